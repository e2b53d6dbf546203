import type { UserModel } from '../users/columns';
import type { AppContext } from '../core/context';
import { requireViewer } from '../core/viewer';
import { retryOnConflict } from '../db/retry';
import { badUserInput, notFound } from '../core/errors';
import { fetchLimit, type Connection, type PageArgs } from '../core/connection';
import { FOLLOW_REQUESTS } from './keysets';
import type { FollowRequestModel } from './models';
import { fromGlobalId } from '../core/global-id';
import {
  announce,
  notifyFollow,
  notifyFollowAccepted,
  notifyFollowRequest,
  undoFollow,
  undoFollowRequest,
  type NotificationChange,
} from '../notifications/service';

/**
 * Following is idempotent: a second follow inserts nothing and a second unfollow deletes
 * nothing. The follower/following counters are kept by database triggers on `follows`, so
 * this code never touches them and they stay exact under concurrent requests. Following a
 * private account makes a follow request instead, which moves no counter until accepted.
 */
export async function follow(ctx: AppContext, userId: string): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const followeeId = fromGlobalId('User', userId, 'userId');
  if (followeeId === viewer.id) throw badUserInput('userId', 'You cannot follow yourself.');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const target = await followIfPublic(ctx, viewer.id, followeeId);
    if (!target) throw notFound('User');
    if (target.viewerBlocked) {
      throw badUserInput('userId', 'You blocked this account: unblock it before following it.');
    }
    if (!target.isPrivate) {
      await announce(ctx.events, target.changes);
      break;
    }
    const requested = await requestToFollow(ctx, viewer.id, followeeId);
    if (requested) {
      await announce(ctx.events, requested.changes);
      break;
    }
    // The account turned public between the two statements: follow it as a public one.
  }
  ctx.loaders.viewerRequestedByUserId.clear(followeeId);
  return reloadAfterWrite(ctx, viewer.id, followeeId);
}

/**
 * Follows the account if it is public, in one statement (and notifies it in the same
 * transaction); returns what `follow` needs to know
 * either way (null when the viewer may not see the account). Selecting the followee in the
 * same statement makes an unknown user insert nothing rather than fail on the foreign key. The
 * counter trigger locks both users' rows, in id order (so A following B while B follows A
 * wait for each other rather than deadlock); a conflict is still retried.
 */
async function followIfPublic(ctx: AppContext, viewerId: bigint, followeeId: bigint) {
  return retryOnConflict(() =>
    ctx.prisma.$transaction(async (tx) => {
      const [target] = await tx.$queryRaw<
        { isPrivate: boolean; viewerBlocked: boolean; followed: boolean }[]
      >`
        WITH target AS (
          SELECT u.id, u.is_private,
            EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = ${viewerId} AND b.blocked_id = u.id) AS blocked
          FROM users u WHERE u.id = ${followeeId} AND ${ctx.visible.user('u')}
        ), followed AS (
          INSERT INTO follows (follower_id, followee_id)
          SELECT ${viewerId}::bigint, id FROM target WHERE NOT is_private AND NOT blocked
          ON CONFLICT DO NOTHING
          RETURNING followee_id
        )
        SELECT is_private AS "isPrivate", blocked AS "viewerBlocked", EXISTS (SELECT 1 FROM followed) AS followed
        FROM target`;
      if (!target) return null;
      // the followee is told of a new follow, in the follow's transaction
      const changes = target.followed
        ? await notifyFollow({ tx, policy: ctx.policy }, { actorId: viewerId, followeeId })
        : [];
      return { ...target, changes };
    }),
  );
}

/**
 * Asks to follow a private account (idempotent; nothing when already following). Null when
 * the account is no longer private. The account's row is locked (FOR SHARE) while the request
 * is written, so a switch to public (which updates that row, then accepts every pending
 * request) either waits for this request and accepts it, or is seen by it. A new request
 * notifies the account in the same transaction.
 */
async function requestToFollow(
  ctx: AppContext,
  viewerId: bigint,
  targetId: bigint,
): Promise<{ changes: NotificationChange[] } | null> {
  return ctx.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ isPrivate: boolean; requested: boolean }[]>`
      WITH target AS (
        SELECT u.id, u.is_private FROM users u WHERE u.id = ${targetId} FOR SHARE
      ), requested AS (
        INSERT INTO follow_requests (requester_id, target_id)
        SELECT ${viewerId}::bigint, id FROM target
        WHERE is_private
          AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ${viewerId} AND f.followee_id = target.id)
        ON CONFLICT DO NOTHING
        RETURNING id
      )
      SELECT is_private AS "isPrivate", EXISTS (SELECT 1 FROM requested) AS requested FROM target`;
    if (row && !row.isPrivate) return null;
    const changes = row?.requested
      ? await notifyFollowRequest({ tx, policy: ctx.policy }, { actorId: viewerId, targetId })
      : [];
    return { changes };
  });
}

/** Stops following the account, and withdraws a pending request to follow it, in one statement. */
export async function unfollow(ctx: AppContext, userId: string): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const followeeId = fromGlobalId('User', userId, 'userId');
  await retryOnConflict(() =>
    ctx.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        WITH withdrawn AS (
          DELETE FROM follow_requests WHERE requester_id = ${viewer.id} AND target_id = ${followeeId}
        )
        DELETE FROM follows WHERE follower_id = ${viewer.id} AND followee_id = ${followeeId}`;
      // the follow's (or the request's) notification goes with it
      await undoFollow({ tx, policy: ctx.policy }, { actorId: viewer.id, followeeId });
    }),
  );
  ctx.loaders.viewerRequestedByUserId.clear(followeeId);
  return reloadAfterWrite(ctx, viewer.id, followeeId);
}

/**
 * Accepts one of the viewer's pending requests: the request becomes a follow in one statement,
 * so a concurrent withdrawal (unfollow) finds either the request or the follow.
 */
export async function acceptFollowRequest(ctx: AppContext, requestId: string): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const id = fromGlobalId('FollowRequest', requestId, 'id');
  const { accepted, changes } = await retryOnConflict(() =>
    ctx.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ requesterId: bigint }[]>`
        WITH request AS (
          DELETE FROM follow_requests WHERE id = ${id} AND target_id = ${viewer.id}
          RETURNING requester_id, target_id
        ), followed AS (
          INSERT INTO follows (follower_id, followee_id)
          SELECT requester_id, target_id FROM request
          ON CONFLICT DO NOTHING
        )
        SELECT requester_id AS "requesterId" FROM request`;
      if (!row) return { accepted: null, changes: [] };
      const told = await notifyFollowAccepted(
        { tx, policy: ctx.policy },
        { accepterId: viewer.id, requesterId: row.requesterId },
      );
      return { accepted: row, changes: told };
    }),
  );
  if (!accepted) throw notFound('FollowRequest');
  await announce(ctx.events, changes);
  return reloadAfterWrite(ctx, accepted.requesterId, viewer.id, accepted.requesterId);
}

export async function declineFollowRequest(ctx: AppContext, requestId: string): Promise<string> {
  const viewer = requireViewer(ctx);
  const id = fromGlobalId('FollowRequest', requestId, 'id');
  const declined = await ctx.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ requesterId: bigint }[]>`
      DELETE FROM follow_requests WHERE id = ${id} AND target_id = ${viewer.id}
      RETURNING requester_id AS "requesterId"`;
    if (row) {
      await undoFollowRequest({ tx, policy: ctx.policy }, { actorId: row.requesterId, targetId: viewer.id });
    }
    return row;
  });
  if (!declined) throw notFound('FollowRequest');
  return requestId;
}

/** Stops `userId` following the viewer (idempotent); returns that user as the viewer sees them. */
export async function removeFollower(ctx: AppContext, userId: string): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const followerId = fromGlobalId('User', userId, 'userId');
  await retryOnConflict(() =>
    ctx.prisma.$transaction(async (tx) => {
      await tx.follow.deleteMany({ where: { followerId, followeeId: viewer.id } });
      await undoFollow({ tx, policy: ctx.policy }, { actorId: followerId, followeeId: viewer.id });
    }),
  );
  ctx.loaders.followsViewerByUserId.clear(followerId);
  return reloadAfterWrite(ctx, followerId, viewer.id, followerId);
}

export async function followRequests(
  ctx: AppContext,
  args: PageArgs,
): Promise<Connection<FollowRequestModel>> {
  const viewer = requireViewer(ctx);
  const page = FOLLOW_REQUESTS.parse(args);
  const rows = await ctx.prisma.$queryRaw<FollowRequestModel[]>`
    SELECT r.id, r.requester_id AS "requesterId", r.target_id AS "targetId", r.created_at AS "createdAt"
    FROM follow_requests r
    WHERE r.target_id = ${viewer.id} AND ${FOLLOW_REQUESTS.sqlFrom(page.after, 'r')}
      AND ${ctx.visible.userWithId('r.requester_id')}
    ORDER BY ${FOLLOW_REQUESTS.sqlOrderBy('r')}
    LIMIT ${fetchLimit(page)}`;
  return FOLLOW_REQUESTS.connection(rows, page);
}

export const requester = async (ctx: AppContext, request: FollowRequestModel): Promise<UserModel> => {
  const user = await ctx.loaders.userById.load(request.requesterId);
  if (!user) throw notFound('User');
  return user;
};

export const viewerHasRequestedFollow = (ctx: AppContext, user: UserModel): Promise<boolean> =>
  ctx.loaders.viewerRequestedByUserId.load(user.id);

/**
 * Drops what this request may have cached about either side of the follow, so counts and flags
 * are fresh, and returns `result` as the viewer sees it.
 */
async function reloadAfterWrite(
  ctx: AppContext,
  followerId: bigint,
  followeeId: bigint,
  result = followeeId,
): Promise<UserModel> {
  const { userById, viewerFollowsByUserId, followerPageByUserId, followeePageByUserId } = ctx.loaders;
  userById.clear(followerId).clear(followeeId);
  viewerFollowsByUserId.clear(followeeId);
  followerPageByUserId.clearAll();
  followeePageByUserId.clearAll();
  ctx.loaders.viewerSeesContentOfUserId.clear(followerId).clear(followeeId);
  const user = await userById.load(result);
  if (!user) throw notFound('User');
  return user;
}

export const viewerIsFollowing = (ctx: AppContext, user: UserModel): Promise<boolean> =>
  ctx.loaders.viewerFollowsByUserId.load(user.id);

export const followsViewer = (ctx: AppContext, user: UserModel): Promise<boolean> =>
  ctx.loaders.followsViewerByUserId.load(user.id);

export const followersOf = (
  ctx: AppContext,
  user: UserModel,
  args: PageArgs,
): Promise<Connection<UserModel>> => ctx.loaders.followerPageByUserId.load({ parentId: user.id, ...args });

export const followingOf = (
  ctx: AppContext,
  user: UserModel,
  args: PageArgs,
): Promise<Connection<UserModel>> => ctx.loaders.followeePageByUserId.load({ parentId: user.id, ...args });
