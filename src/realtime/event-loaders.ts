import DataLoader from 'dataloader';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { ReadPolicy } from '../core/visibility';
import { bigintArray } from '../core/sql';
import type { Loaders } from '../core/context';

/** The request loaders whose answers depend on the viewer, as the cross-viewer windows replace them. */
export const VIEWER_WINDOWS = [
  'viewerHasLikedByPostId',
  'viewerFollowsByUserId',
  'followsViewerByUserId',
] as const;
export type ViewerLoaders = Pick<Loaders, (typeof VIEWER_WINDOWS)[number]>;

/** (a, b): (follower, followee) for follows, (user, post) for likes. */
export type Pair = readonly [bigint, bigint];
const pairKey = ([a, b]: Pair) => `${a}:${b}`;

/**
 * Event loaders wait for a whole turn of the event loop (setImmediate) before they query, and
 * have no batch size limit: every subscriber's execution reaches the same field within that
 * turn, so one statement answers all of them, be there ten subscribers or ten thousand.
 */
const eventBatching = { batchScheduleFn: (dispatch: () => void) => setImmediate(dispatch) };

/** A loader of the row, if any, for each pair: its `value`, or null when there is none. */
function pairLoader<T>(fetch: (as: bigint[], bs: bigint[]) => Promise<{ a: bigint; b: bigint; value: T }[]>) {
  return new DataLoader<Pair, T | null, string>(
    async (pairs) => {
      const rows = await fetch(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      );
      const found = new Map(rows.map((row) => [pairKey([row.a, row.b]), row.value]));
      return pairs.map((pair) => found.get(pairKey(pair)) ?? null);
    },
    { ...eventBatching, cacheKeyFn: pairKey },
  );
}

/** The viewer-dependent relations of one event, asked for every subscriber at once. */
export function createCrossViewerLoaders(prisma: PrismaClient, policy: ReadPolicy) {
  // The viewers of a batch travel as ids, anonymous as 0 (no user has it).
  const viewer = Prisma.sql`NULLIF(pair.a, 0)`;
  /** key: (viewer or 0, row id); true when the read policy lets the viewer see the row */
  const sees = (table: 'posts' | 'comments', condition: Prisma.Sql) =>
    pairLoader<true>(
      (viewers, ids) => prisma.$queryRaw`
        SELECT pair.a AS a, pair.b AS b, true AS value
        FROM unnest(${bigintArray(viewers)}, ${bigintArray(ids)}) AS pair(a, b)
        JOIN ${Prisma.raw(table)} t ON t.id = pair.b
        WHERE ${condition}`,
    );
  return {
    sees: {
      post: sees('posts', policy.post(viewer, 't')),
      feedPost: sees('posts', policy.feedPost(viewer, 't')),
      comment: sees('comments', policy.comment(viewer, 't')),
    },
    /**
     * key: (viewer, post); when the viewer followed the post's author before it was posted and
     * the policy lets them see it in a feed stream: the author and when the follow began, or
     * null. One statement, where a follow check and then a policy check would be two in a row
     * for every event.
     */
    followedFeedPost: pairLoader<{ authorId: bigint; followedAt: Date }>(async (viewers, posts) => {
      const rows = await prisma.$queryRaw<{ a: bigint; b: bigint; authorId: bigint; followedAt: Date }[]>`
        SELECT pair.a AS a, pair.b AS b, t.author_id AS "authorId", f.created_at AS "followedAt"
        FROM unnest(${bigintArray(viewers)}, ${bigintArray(posts)}) AS pair(a, b)
        JOIN posts t ON t.id = pair.b
        JOIN follows f ON f.follower_id = pair.a AND f.followee_id = t.author_id AND f.created_at < t.created_at
        WHERE ${policy.feedPost(viewer, 't')}`;
      return rows.map(({ a, b, ...value }) => ({ a, b, value }));
    }),
    /** key: (follower, followee); when the follow began, or null */
    followedAt: pairLoader<Date>(
      (followers, followees) => prisma.$queryRaw`
        SELECT f.follower_id AS a, f.followee_id AS b, f.created_at AS value
        FROM unnest(${bigintArray(followers)}, ${bigintArray(followees)}) AS pair(a, b)
        JOIN follows f ON f.follower_id = pair.a AND f.followee_id = pair.b`,
    ),
    /** key: (user, post) */
    likes: pairLoader<true>(
      (users, posts) => prisma.$queryRaw`
        SELECT l.user_id AS a, l.post_id AS b, true AS value
        FROM unnest(${bigintArray(users)}, ${bigintArray(posts)}) AS pair(a, b)
        JOIN likes l ON l.user_id = pair.a AND l.post_id = pair.b`,
    ),
    /** key: a session id; true while it is neither revoked (deleted) nor expired */
    liveSession: new DataLoader<bigint, boolean>(async (ids) => {
      const rows = await prisma.$queryRaw<{ id: bigint }[]>`
        SELECT id FROM sessions WHERE id = ANY(${bigintArray(ids)}) AND expires_at > now()`;
      const live = new Set(rows.map((row) => row.id));
      return ids.map((id) => live.has(id));
    }, eventBatching),
  };
}

export type CrossViewerLoaders = ReturnType<typeof createCrossViewerLoaders>;

/**
 * One viewer's window on a cross-viewer loader, standing in for the request loader it replaces
 * so the domain resolvers run unchanged. It has no batch or cache of its own (the shared loader
 * has both): a per-viewer batching layer would cost N loaders, N batches and N ticks per event.
 * Not a DataLoader either: every subscriber gets its windows anew with each event, and
 * constructing three DataLoaders per subscriber was 3% of a 5,000-subscriber event. It answers
 * what a resolver or service may call on the loader it replaces: `prime` and `clear` do nothing,
 * as they do on a DataLoader without a cache.
 */
class ViewerWindow {
  constructor(private readonly lookup: (key: bigint) => Promise<boolean>) {}

  load(key: bigint): Promise<boolean> {
    return this.lookup(key);
  }

  loadMany(keys: readonly bigint[]): Promise<(boolean | Error)[]> {
    return Promise.all(keys.map((key) => this.lookup(key).catch((error: Error) => error)));
  }

  prime(): this {
    return this;
  }

  clear(): this {
    return this;
  }

  clearAll(): this {
    return this;
  }

  /** typed as the request loader it replaces (see the class comment for what it answers) */
  asLoader(): DataLoader<bigint, boolean> {
    return this as unknown as DataLoader<bigint, boolean>;
  }
}

const exists = async (row: Promise<unknown>): Promise<boolean> => (await row) !== null;

export function viewerLoaders(cross: CrossViewerLoaders, viewerId: bigint): ViewerLoaders {
  return {
    viewerHasLikedByPostId: new ViewerWindow((postId) =>
      exists(cross.likes.load([viewerId, postId])),
    ).asLoader(),
    viewerFollowsByUserId: new ViewerWindow((userId) =>
      exists(cross.followedAt.load([viewerId, userId])),
    ).asLoader(),
    followsViewerByUserId: new ViewerWindow((userId) =>
      exists(cross.followedAt.load([userId, viewerId])),
    ).asLoader(),
  };
}
