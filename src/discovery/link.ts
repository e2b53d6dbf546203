import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { badUserInput } from '../core/errors';
import { visibilityFor, type ReadPolicy } from '../core/visibility';
import { MAX_HASHTAGS, MAX_MENTIONS, parseText, type ParsedText } from './parse';

/** What linking needs of a client: the transaction of the post or comment being written. */
export type LinkWriter = Pick<PrismaClient, '$queryRaw'>;

/**
 * The hashtags and mentions of a caption or comment body, refused over the contract's limits
 * (BAD_USER_INPUT naming `field`) before anything is written. Mentions count whether or not the
 * users exist: the limit is on what was typed, so it cannot be used to probe for accounts.
 */
export function parseForWrite(text: string, field: 'caption' | 'body'): ParsedText {
  const parsed = parseText(text);
  if (field === 'caption' && parsed.hashtags.length > MAX_HASHTAGS) {
    throw badUserInput(field, `A caption may carry at most ${MAX_HASHTAGS} distinct hashtags.`);
  }
  if (parsed.mentions.length > MAX_MENTIONS) {
    throw badUserInput(field, `At most ${MAX_MENTIONS} distinct users may be mentioned.`);
  }
  return parsed;
}

/** The post a caption belongs to, as linking needs it. */
export interface LinkedPost {
  id: bigint;
  authorId: bigint;
  createdAt: Date;
}

/**
 * Makes the post's hashtag and mention links those of `parsed`, inside the caller's transaction:
 * links no longer in the caption go, new ones come, kept ones take their new position. Returns
 * the users newly mentioned and those no longer mentioned (never the author), for whoever
 * notifies them in the same transaction.
 * `fresh` says the post was just created: there is nothing to unlink, and no statement is spent
 * on a caption without tags or mentions.
 */
export async function linkPost(
  tx: LinkWriter,
  policy: ReadPolicy,
  post: LinkedPost,
  parsed: ParsedText,
  fresh: boolean,
): Promise<MentionChanges> {
  if (!fresh || parsed.hashtags.length > 0) await linkHashtags(tx, post, parsed.hashtags);
  if (fresh && parsed.mentions.length === 0) return { mentioned: [], unmentioned: [] };
  const rows = await tx.$queryRaw<{ userId: bigint; inserted: boolean; removed: boolean }[]>`
    WITH names AS (
      SELECT * FROM unnest(${parsed.mentions}::text[]) WITH ORDINALITY AS n(username, position)
    ), found AS (${mentionable(policy, post.authorId)}),
    gone AS (
      DELETE FROM post_mentions pm WHERE pm.post_id = ${post.id} AND pm.user_id NOT IN (SELECT id FROM found)
      RETURNING pm.user_id
    ), kept AS (
      INSERT INTO post_mentions (post_id, user_id, position)
      SELECT ${post.id}, f.id, f.position FROM found f
      ON CONFLICT (post_id, user_id) DO UPDATE SET position = EXCLUDED.position
      RETURNING user_id, (xmax = 0) AS inserted
    )
    SELECT user_id AS "userId", inserted, false AS removed FROM kept
    UNION ALL
    SELECT user_id, false, true FROM gone`;
  return {
    mentioned: newlyMentioned(rows, post.authorId),
    unmentioned: rows.filter((row) => row.removed && row.userId !== post.authorId).map((row) => row.userId),
  };
}

/** What a caption's new text did to its mentions. */
export interface MentionChanges {
  /** users the caption mentions now and did not before */
  mentioned: bigint[];
  /** users it mentioned before and no longer does */
  unmentioned: bigint[];
}

/** Links a new comment's mentions inside the caller's transaction; returns the users newly mentioned. */
export async function linkComment(
  tx: LinkWriter,
  policy: ReadPolicy,
  comment: { id: bigint; authorId: bigint },
  parsed: ParsedText,
): Promise<bigint[]> {
  if (parsed.mentions.length === 0) return [];
  const rows = await tx.$queryRaw<{ userId: bigint; inserted: boolean }[]>`
    WITH names AS (
      SELECT * FROM unnest(${parsed.mentions}::text[]) WITH ORDINALITY AS n(username, position)
    ), found AS (${mentionable(policy, comment.authorId)})
    INSERT INTO comment_mentions (comment_id, user_id, position)
    SELECT ${comment.id}, f.id, f.position FROM found f
    ON CONFLICT (comment_id, user_id) DO NOTHING
    RETURNING user_id AS "userId", true AS inserted`;
  return newlyMentioned(rows, comment.authorId);
}

/**
 * The users named in `names` whose profile the author may see, decided by the read policy with
 * the author as viewer: a user who blocked the author is not linked (nor told), and neither is
 * anyone the policy hides from them.
 */
function mentionable(policy: ReadPolicy, authorId: bigint) {
  const authorSees = visibilityFor(policy, authorId);
  return Prisma.sql`
    SELECT u.id, (n.position - 1)::smallint AS position FROM names n
    JOIN users u ON u.username = n.username
    WHERE ${authorSees.user('u')}`;
}

const newlyMentioned = (rows: { userId: bigint; inserted: boolean }[], authorId: bigint): bigint[] =>
  rows.filter((row) => row.inserted && row.userId !== authorId).map((row) => row.userId);

/**
 * One statement: the hashtags are created when new (in name order, so two posts sharing tags
 * lock their rows in the same order and cannot deadlock; DO UPDATE returns the id of a row a
 * concurrent transaction just committed, which DO NOTHING would not), then the post's links
 * are replaced. The triggers of post_hashtags keep the counts.
 */
async function linkHashtags(tx: LinkWriter, post: LinkedPost, names: string[]): Promise<void> {
  await tx.$queryRaw`
    WITH names AS (
      SELECT * FROM unnest(${names}::text[]) WITH ORDINALITY AS n(name, position)
    ), tags AS (
      INSERT INTO hashtags (name) SELECT name FROM names ORDER BY name
      ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
      RETURNING id, name
    ), gone AS (
      DELETE FROM post_hashtags ph WHERE ph.post_id = ${post.id} AND ph.hashtag_id NOT IN (SELECT id FROM tags)
    )
    INSERT INTO post_hashtags (post_id, hashtag_id, created_at, position, is_public)
    SELECT ${post.id}, t.id, ${post.createdAt}::timestamptz, (n.position - 1)::smallint, NOT a.is_private
    FROM names n JOIN tags t ON t.name = n.name JOIN users a ON a.id = ${post.authorId}
    ON CONFLICT (post_id, hashtag_id) DO UPDATE SET position = EXCLUDED.position`;
}
