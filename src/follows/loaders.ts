import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { createChildPageLoader, lateralPage, type Keyset, type PageRequest } from '../core/connection';
import type { Visibility } from '../core/visibility';
import { createExistsLoader, createLoader } from '../core/loader';
import { bigintArray } from '../core/sql';
import type { FollowRequestModel } from './models';
import { domainLoaders, type DataDeps } from '../core/module';
import { FOLLOWERS, FOLLOWING } from './keysets';
import { userColumns, type UserModel } from '../users/columns';

/** A listed user plus what its page needs: whose list it is in and when the follow began. */
type FollowUserRow = UserModel & { parentId: bigint; followedAt: Date };

function createFollowLoaders({ prisma, viewerId, visible }: DataDeps) {
  return {
    /** key: a user id -> whether the viewer follows them (always false when anonymous) */
    viewerFollowsByUserId: createExistsLoader((userIds: readonly bigint[]) =>
      viewerId === null ? Promise.resolve([]) : followeesAmong(prisma, viewerId, userIds),
    ),
    /** key: a user id -> whether they follow the viewer (always false when anonymous) */
    followsViewerByUserId: createExistsLoader((userIds: readonly bigint[]) =>
      viewerId === null ? Promise.resolve([]) : followersAmong(prisma, viewerId, userIds),
    ),
    /** key: a user id -> whether the viewer asked to follow them and they have not answered */
    viewerRequestedByUserId: createExistsLoader((userIds: readonly bigint[]) =>
      viewerId === null ? Promise.resolve([]) : requestedAmong(prisma, viewerId, userIds),
    ),
    /** key: a follow request id -> the request, for its requester and the account asked only */
    followRequestById: createLoader(
      (ids: readonly bigint[]) =>
        viewerId === null
          ? Promise.resolve([])
          : prisma.$queryRaw<FollowRequestModel[]>`
            SELECT r.id, r.requester_id AS "requesterId", r.target_id AS "targetId", r.created_at AS "createdAt"
            FROM follow_requests r
            WHERE r.id = ANY(${bigintArray(ids)}) AND (r.target_id = ${viewerId} OR r.requester_id = ${viewerId})`,
      (request: FollowRequestModel) => request.id,
    ),
    /** key: { parentId: a user } -> a page of their followers */
    followerPageByUserId: createChildPageLoader(
      FOLLOWERS,
      followPageFetcher(prisma, visible, FOLLOWERS, 'followee_id', 'follower_id'),
      toUsers,
    ),
    /** key: { parentId: a user } -> a page of the users they follow */
    followeePageByUserId: createChildPageLoader(
      FOLLOWING,
      followPageFetcher(prisma, visible, FOLLOWING, 'follower_id', 'followee_id'),
      toUsers,
    ),
  };
}

export const followLoaders = domainLoaders(createFollowLoaders, {
  viewerFollowsByUserId: 'viewer',
  followsViewerByUserId: 'viewer',
  viewerRequestedByUserId: 'viewer',
  followRequestById: 'viewer',
  followerPageByUserId: 'viewer',
  followeePageByUserId: 'viewer',
});

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createFollowLoaders> {}
}

/** Which of `userIds` the viewer follows: one lookup on the (follower_id, followee_id) key. */
async function followeesAmong(prisma: PrismaClient, viewerId: bigint, userIds: readonly bigint[]) {
  const rows = await prisma.follow.findMany({
    where: { followerId: viewerId, followeeId: { in: [...userIds] } },
    select: { followeeId: true },
  });
  return rows.map((row) => row.followeeId);
}

/** Which of `userIds` the viewer asked to follow: one lookup on the (requester_id, target_id) key. */
async function requestedAmong(prisma: PrismaClient, viewerId: bigint, userIds: readonly bigint[]) {
  const rows = await prisma.followRequest.findMany({
    where: { requesterId: viewerId, targetId: { in: [...userIds] } },
    select: { targetId: true },
  });
  return rows.map((row) => row.targetId);
}

/** Which of `userIds` follow the viewer: served by the (followee_id, created_at, follower_id) index. */
async function followersAmong(prisma: PrismaClient, viewerId: bigint, userIds: readonly bigint[]) {
  const rows = await prisma.follow.findMany({
    where: { followeeId: viewerId, followerId: { in: [...userIds] } },
    select: { followerId: true },
  });
  return rows.map((row) => row.followerId);
}

/**
 * One statement for a whole batch of parents: for each parent id, its first `fetchLimit(page)`
 * follows from the cursor on through the matching (parent, created_at DESC, other DESC) index,
 * joined to the listed users.
 */
function followPageFetcher(
  prisma: PrismaClient,
  visible: Visibility,
  keyset: Keyset,
  parentColumn: 'followee_id' | 'follower_id',
  userColumn: 'followee_id' | 'follower_id',
) {
  const listed = Prisma.raw(`f.${userColumn}`);
  const select = Prisma.sql`${listed}, f.created_at`;
  const where = Prisma.sql`${visible.contentOf('parent.id')} AND ${visible.userWithId(`f.${userColumn}`)}`;
  return (parentIds: bigint[], page: PageRequest): Promise<FollowUserRow[]> => prisma.$queryRaw<
    FollowUserRow[]
  >`
    SELECT parent.id AS "parentId", f.created_at AS "followedAt", ${userColumns('u')}
    FROM ${lateralPage({ parentIds, table: 'follows', alias: 'f', parentColumn, keyset, page, select, where })}
    JOIN users u ON u.id = ${listed}
    ORDER BY parent.id, ${keyset.sqlOrderBy('f')}`;
}

/** The connection's node is the user itself; the page bookkeeping stays off it. */
async function toUsers(rows: FollowUserRow[]): Promise<UserModel[]> {
  return rows.map(({ parentId: _parentId, followedAt: _followedAt, ...user }) => user);
}
