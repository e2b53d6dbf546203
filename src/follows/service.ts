import type { UserModel } from '../users/columns';
import type { AppContext } from '../core/context';
import { requireViewer } from '../core/viewer';
import { retryOnConflict } from '../db/retry';
import { badUserInput, notFound } from '../core/errors';
import type { Connection, PageArgs } from '../core/connection';
import { fromGlobalId } from '../core/global-id';

/**
 * Following is idempotent: a second follow inserts nothing and a second unfollow deletes
 * nothing. The follower/following counters are kept by database triggers on `follows`, so
 * this code never touches them and they stay exact under concurrent requests.
 */
export async function follow(ctx: AppContext, userId: string): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const followeeId = fromGlobalId('User', userId, 'userId');
  if (followeeId === viewer.id) throw badUserInput('userId', 'You cannot follow yourself.');
  // Selecting the followee in the same statement makes an unknown user insert nothing rather
  // than fail on the foreign key; the re-read below then reports NOT_FOUND. The counter
  // trigger locks both users' rows, so A following B while B follows A can deadlock: retried.
  await retryOnConflict(
    () => ctx.prisma.$executeRaw`
      INSERT INTO follows (follower_id, followee_id)
      SELECT ${viewer.id}::bigint, u.id FROM users u WHERE u.id = ${followeeId}
      ON CONFLICT DO NOTHING`,
  );
  return reloadAfterWrite(ctx, viewer.id, followeeId);
}

export async function unfollow(ctx: AppContext, userId: string): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const followeeId = fromGlobalId('User', userId, 'userId');
  await retryOnConflict(() => ctx.prisma.follow.deleteMany({ where: { followerId: viewer.id, followeeId } }));
  return reloadAfterWrite(ctx, viewer.id, followeeId);
}

/** Drops what this request may have cached about either side, so counts and flags are fresh. */
async function reloadAfterWrite(ctx: AppContext, viewerId: bigint, followeeId: bigint): Promise<UserModel> {
  const { userById, viewerFollowsByUserId, followerPageByUserId, followeePageByUserId } = ctx.loaders;
  userById.clear(viewerId).clear(followeeId);
  viewerFollowsByUserId.clear(followeeId);
  followerPageByUserId.clearAll();
  followeePageByUserId.clearAll();
  const user = await userById.load(followeeId);
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
