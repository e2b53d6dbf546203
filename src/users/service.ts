import type { UpdateProfileInput } from '../generated/graphql';
import type { AppContext } from '../core/context';
import { requireViewer } from '../core/viewer';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { badUserInput } from '../core/errors';
import { avatarColumns, withUploads } from '../media/service';
import { checkHttpUrl, checkLength, longerThan } from '../core/validate';
import { USER_SELECT, userColumns, type UserModel } from './columns';
import { announce, notifyAllAccepted, type NotificationChange } from '../notifications/service';

/**
 * Fields left out or null keep their value; an empty avatarUrl removes the avatar. Turning the
 * account public accepts every pending follow request in the same transaction, after the
 * update has locked the account's row (see follows/service.ts requestToFollow).
 */
export async function updateProfile(ctx: AppContext, input: UpdateProfileInput): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const data: Prisma.UserUpdateInput = {};
  if (input.displayName != null)
    data.displayName = checkLength('displayName', input.displayName.trim(), 1, 64);
  if (input.bio != null) data.bio = checkLength('bio', input.bio, 0, 150);
  if (input.isPrivate != null) data.isPrivate = input.isPrivate;
  if (input.avatarUrl != null)
    data.avatarUrl = input.avatarUrl === '' ? null : checkHttpUrl('avatarUrl', input.avatarUrl);
  if (input.avatarUrl != null && input.avatarUploadId != null) {
    throw badUserInput('avatarUploadId', 'Give avatarUrl or avatarUploadId, not both.');
  }
  // A new avatar by URL (or none) replaces an uploaded one; its files go (a trigger's garbage).
  if (input.avatarUrl != null) Object.assign(data, NO_UPLOADED_AVATAR);
  const uses =
    input.avatarUploadId == null ? [] : [{ uploadId: input.avatarUploadId, field: 'avatarUploadId' }];
  let accepted: NotificationChange[] = [];
  const user = await withUploads(ctx, uses, 'avatar', async (tx, [avatar]) => {
    const updated = await tx.user.update({
      where: { id: viewer.id },
      data: avatar ? { ...data, ...avatarColumns(avatar) } : data,
      select: USER_SELECT,
    });
    const requesterIds = input.isPrivate === false ? await acceptAllRequests(tx, viewer.id) : [];
    if (requesterIds.length > 0) {
      accepted = await notifyAllAccepted({ tx, policy: ctx.policy }, { accepterId: viewer.id, requesterIds });
      // the follower count moved (the trigger): read it back in the same transaction
      return tx.user.findUniqueOrThrow({ where: { id: viewer.id }, select: USER_SELECT });
    }
    return updated;
  });
  await announce(ctx.events, accepted);
  ctx.loaders.userById.clear(user.id).prime(user.id, user);
  return user;
}

const NO_UPLOADED_AVATAR = { avatarKey: null, avatarBlurhash: null, avatarVariants: Prisma.DbNull };

/** Every pending request to follow `userId` becomes a follow; the requesters who now follow. */
async function acceptAllRequests(tx: Pick<PrismaClient, '$queryRaw'>, userId: bigint): Promise<bigint[]> {
  const rows = await tx.$queryRaw<{ followerId: bigint }[]>`
    WITH requests AS (DELETE FROM follow_requests WHERE target_id = ${userId} RETURNING requester_id)
    INSERT INTO follows (follower_id, followee_id)
    SELECT requester_id, ${userId}::bigint FROM requests
    ON CONFLICT DO NOTHING
    RETURNING follower_id AS "followerId"`;
  return rows.map((row) => row.followerId);
}

/**
 * Query.user: a profile. A profile shows its follow button (Follow, Following or Requested), so
 * the same statement says whether the viewer follows the user or has asked to, and primes the
 * follows domain's loaders with it: one statement fewer per profile.
 */
export async function findByUsername(ctx: AppContext, username: string): Promise<UserModel | null> {
  const normalized = username.trim().toLowerCase();
  if (longerThan(normalized, 30)) return null;
  const viewerId = ctx.viewer?.id ?? null;
  const [row] = await ctx.prisma.$queryRaw<(UserModel & Partial<FollowButton>)[]>`
    SELECT ${userColumns('u')}${viewerId === null ? Prisma.empty : followButton(viewerId)}
    FROM users u WHERE u.username = ${normalized} AND ${ctx.visible.user('u')}`;
  if (!row) return null;
  const { viewerFollows, viewerRequested, ...user } = row;
  if (viewerFollows !== undefined) ctx.loaders.viewerFollowsByUserId.prime(user.id, viewerFollows);
  if (viewerRequested !== undefined) ctx.loaders.viewerRequestedByUserId.prime(user.id, viewerRequested);
  return user;
}

interface FollowButton {
  viewerFollows: boolean;
  viewerRequested: boolean;
}

/** The follows and follow_requests keys answer these (see follows/loaders.ts). */
const followButton = (viewerId: bigint) => Prisma.sql`,
  EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ${viewerId} AND f.followee_id = u.id) AS "viewerFollows",
  EXISTS (SELECT 1 FROM follow_requests r WHERE r.requester_id = ${viewerId} AND r.target_id = u.id) AS "viewerRequested"`;

export async function findViewer(ctx: AppContext): Promise<UserModel | null> {
  return ctx.viewer ? ctx.loaders.userById.load(ctx.viewer.id) : null;
}
