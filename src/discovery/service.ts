import type { Hashtag } from '../generated/prisma/client';
import type { AppContext } from '../core/context';
import { fetchLimit, keyset, type Connection, type PageArgs } from '../core/connection';
import { checkIntRange, checkLength } from '../core/validate';
import { hashtagColumns, withVisiblePost } from './loaders';
import { MAX_HASHTAG_LENGTH, normaliseHashtag } from './parse';

export const MAX_TRENDING = 50;

/** hashtag(name): null for a name that is no tag, or whose posts the viewer may not see. */
export async function findHashtag(ctx: AppContext, name: string): Promise<Hashtag | null> {
  const normalised = normaliseHashtag(checkLength('name', name, 0, 1000));
  if (normalised.length === 0 || [...normalised].length > MAX_HASHTAG_LENGTH) return null;
  return ctx.loaders.hashtagByName.load(normalised);
}

/**
 * Most used first: by hashtags.post_count, every author's posts (a viewer-dependent count would
 * need every match counted through the read policy before the page could be cut), ties by id.
 * The count changes between pages, so a tag can move across a page boundary: search results
 * are a ranking, not a list to page through exactly.
 */
const SEARCH = keyset({
  name: 'searchHashtags',
  direction: 'desc',
  keys: [
    { field: 'postCount', column: '"postCount"', type: 'int' },
    { field: 'id', column: 'id', type: 'bigint' },
  ],
});

export async function searchHashtags(
  ctx: AppContext,
  query: string,
  args: PageArgs,
): Promise<Connection<Hashtag>> {
  const prefix = normaliseHashtag(checkLength('query', query, 1, 1000));
  checkLength('query', prefix, 1, MAX_HASHTAG_LENGTH);
  const page = SEARCH.parse(args);
  // The matches come from the SP-GiST index on name (^@, starts_with, whatever the collation),
  // fenced (MATERIALIZED), then are ranked: a prepared statement's generic plan otherwise walks
  // the tags most used first and filters by name, which for a rare prefix reads every tag
  // (340 ms against 0.2 ms on 200k tags). The read policy is asked in ranking order, only
  // until the page is full (OFFSET 0 keeps it above the sort).
  const rows = await ctx.prisma.$queryRaw<Hashtag[]>`
    WITH matches AS MATERIALIZED (
      SELECT ${hashtagColumns('m')} FROM hashtags m WHERE m.name ^@ ${prefix}
    )
    SELECT ranked.* FROM (
      SELECT h.* FROM matches h
      WHERE h."postCount" > 0 AND ${SEARCH.sqlFrom(page.after, 'h')}
      ORDER BY ${SEARCH.sqlOrderBy('h')}
      OFFSET 0
    ) ranked
    WHERE ${withVisiblePost(ctx.visible, 'ranked')}
    ORDER BY ${SEARCH.sqlOrderBy('ranked')}
    LIMIT ${fetchLimit(page)}`;
  return SEARCH.connection(rows, page);
}

/**
 * The hashtags with the most new public posts in the current hour and the 23 before it.
 * Per-hour counts (hashtag_hours), kept by the trigger that keeps post_count, not a cache:
 * a call reads at most 24 small rows per tag used in the day (an index-only scan) instead of
 * every post of the day, the answer is exact to the hour on every instance at once, and a new
 * post counts from its commit (a cache would be up to its age behind, and per instance).
 * "Public": the author's account was public when the post was tagged. The first `first` + 50
 * candidates are checked against the read policy (a tag is shown while a post the viewer may see
 * carries it; only blocks can hide one that public posts carry).
 */
export async function trendingHashtags(
  ctx: AppContext,
  first: number | null | undefined,
): Promise<Hashtag[]> {
  const limit = checkIntRange('first', first ?? 10, 1, MAX_TRENDING);
  return ctx.prisma.$queryRaw<Hashtag[]>`
    SELECT ${hashtagColumns('h')}
    FROM (
      SELECT hh.hashtag_id, sum(hh.post_count) AS n FROM hashtag_hours hh
      WHERE hh.hour > now() - interval '24 hours'
      GROUP BY hh.hashtag_id HAVING sum(hh.post_count) > 0
      ORDER BY n DESC, hh.hashtag_id DESC
      LIMIT ${limit + 50}
    ) t
    JOIN hashtags h ON h.id = t.hashtag_id
    WHERE ${withVisiblePost(ctx.visible, 'h')}
    ORDER BY t.n DESC, h.id DESC
    LIMIT ${limit}`;
}
