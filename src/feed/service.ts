import type { Post, User } from '../generated/prisma/client';
import type { AppContext } from '../context';
import { requireViewer } from '../auth/viewer';
import type { Connection, PageArgs } from '../shared/connection';
import { EXPLORE, FEED } from './keysets';
import { postColumns } from './post-rows';

/**
 * The home feed: posts by the accounts the viewer follows and the viewer's own, newest first.
 * Each author's next keys are read from the (author_id, created_at DESC, id DESC) index (an
 * index-only scan), at most one page per author, merged, and only the winning page's rows are
 * fetched. The cost is bounded by the number of accounts followed however old or sparse their
 * posts are; filtering all posts newest first instead scans the whole table for a viewer who
 * follows only quiet accounts (250 ms vs 1 ms on 500k posts; 2.5 ms for 200 active accounts).
 */
export async function feed(ctx: AppContext, args: PageArgs): Promise<Connection<Post>> {
  const viewer = requireViewer(ctx);
  const page = FEED.parse(args);
  const limit = page.first + 1;
  const rows = await ctx.prisma.$queryRaw<Post[]>`
    SELECT ${postColumns('p')}
    FROM (
      SELECT k.id
      FROM (
        SELECT f.followee_id AS id FROM follows f WHERE f.follower_id = ${viewer.id}
        UNION SELECT ${viewer.id}::bigint
      ) AS author
      CROSS JOIN LATERAL (
        SELECT p.id, p.created_at FROM posts p
        WHERE p.author_id = author.id AND ${FEED.sqlAfter(page.after, 'p')}
        ORDER BY ${FEED.sqlOrderBy('p')}
        LIMIT ${limit}
      ) k
      ORDER BY ${FEED.sqlOrderBy('k')}
      LIMIT ${limit}
    ) AS page
    JOIN posts p ON p.id = page.id
    ORDER BY ${FEED.sqlOrderBy('p')}`;
  return FEED.connection(rows, page.first);
}

/** Every post, newest first, through the (created_at DESC, id DESC) index. */
export async function explore(ctx: AppContext, args: PageArgs): Promise<Connection<Post>> {
  const page = EXPLORE.parse(args);
  const rows = await ctx.prisma.$queryRaw<Post[]>`
    SELECT ${postColumns('p')} FROM posts p
    WHERE ${EXPLORE.sqlAfter(page.after, 'p')}
    ORDER BY ${EXPLORE.sqlOrderBy('p')}
    LIMIT ${page.first + 1}`;
  return EXPLORE.connection(rows, page.first);
}

export const postsOf = (ctx: AppContext, user: User, args: PageArgs): Promise<Connection<Post>> =>
  ctx.loaders.postPageByAuthorId.load({ parentId: user.id, ...args });
