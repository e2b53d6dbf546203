import type { ReportInput } from '../generated/graphql';
import { Prisma } from '../generated/prisma/client';
import type { AppContext } from '../core/context';
import { requireViewer } from '../core/viewer';
import { retryOnConflict } from '../db/retry';
import { badUserInput, notFound } from '../core/errors';
import { fetchLimit, type Connection, type Keyset, type PageArgs } from '../core/connection';
import { fromGlobalId, parseGlobalId } from '../core/global-id';
import { checkLength } from '../core/validate';
import { userColumns, type UserModel } from '../users/columns';
import { BLOCKED, MUTED } from './keysets';
import { forgetBetween } from '../notifications/service';

/**
 * Blocks `userId`: in one statement, the block and the removal of every follow and follow
 * request between the two accounts, in either direction (the counter triggers move the
 * counts), then, in the same transaction, each account's actions leave the other's
 * notifications. Idempotent. NOT_FOUND when the viewer may not see the account, which is also
 * what the blocked account gets for anything it aims at the blocker from then on.
 */
export async function block(ctx: AppContext, userId: string): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const targetId = fromGlobalId('User', userId, 'userId');
  if (targetId === viewer.id) throw badUserInput('userId', 'You cannot block yourself.');
  const found = await retryOnConflict(() =>
    ctx.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ id: bigint }[]>`
      WITH target AS (
        SELECT u.id FROM users u WHERE u.id = ${targetId} AND ${ctx.visible.user('u')}
      ), blocked AS (
        INSERT INTO blocks (blocker_id, blocked_id) SELECT ${viewer.id}::bigint, id FROM target
        ON CONFLICT DO NOTHING
      ), unfollowed AS (
        DELETE FROM follows
        WHERE ((follower_id = ${viewer.id} AND followee_id = ${targetId})
            OR (follower_id = ${targetId} AND followee_id = ${viewer.id}))
          AND EXISTS (SELECT 1 FROM target)
      ), withdrawn AS (
        DELETE FROM follow_requests
        WHERE ((requester_id = ${viewer.id} AND target_id = ${targetId})
            OR (requester_id = ${targetId} AND target_id = ${viewer.id}))
          AND EXISTS (SELECT 1 FROM target)
      )
      SELECT id FROM target`;
      // each leaves the other's notifications, in the block's transaction
      if (row) await forgetBetween({ tx, policy: ctx.policy }, viewer.id, targetId);
      return row;
    }),
  );
  if (!found) throw notFound('User');
  const { loaders } = ctx;
  loaders.viewerFollowsByUserId.clear(targetId);
  loaders.followsViewerByUserId.clear(targetId);
  loaders.viewerRequestedByUserId.clear(targetId);
  return reload(ctx, targetId, viewer.id);
}

export async function unblock(ctx: AppContext, userId: string): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const targetId = fromGlobalId('User', userId, 'userId');
  await ctx.prisma.block.deleteMany({ where: { blockerId: viewer.id, blockedId: targetId } });
  return reload(ctx, targetId, viewer.id);
}

/** Mutes `userId` (idempotent): their posts leave the viewer's feed and feed streams only. */
export async function mute(ctx: AppContext, userId: string): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const targetId = fromGlobalId('User', userId, 'userId');
  if (targetId === viewer.id) throw badUserInput('userId', 'You cannot mute yourself.');
  await ctx.prisma.$executeRaw`
    INSERT INTO mutes (muter_id, muted_id)
    SELECT ${viewer.id}::bigint, u.id FROM users u WHERE u.id = ${targetId} AND ${ctx.visible.user('u')}
    ON CONFLICT DO NOTHING`;
  return reload(ctx, targetId, viewer.id);
}

export async function unmute(ctx: AppContext, userId: string): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const targetId = fromGlobalId('User', userId, 'userId');
  await ctx.prisma.mute.deleteMany({ where: { muterId: viewer.id, mutedId: targetId } });
  return reload(ctx, targetId, viewer.id);
}

/** The user as the viewer now sees them (fresh counts and flags); NOT_FOUND when they may not. */
async function reload(ctx: AppContext, userId: bigint, viewerId: bigint): Promise<UserModel> {
  const { loaders } = ctx;
  loaders.viewerBlocksByUserId.clear(userId);
  loaders.viewerMutesByUserId.clear(userId);
  loaders.viewerSeesContentOfUserId.clear(userId);
  loaders.followerPageByUserId.clearAll();
  loaders.followeePageByUserId.clearAll();
  const user = await loaders.userById.clear(userId).clear(viewerId).load(userId);
  if (!user) throw notFound('User');
  return user;
}

type Subject = { type: 'USER' | 'POST' | 'COMMENT'; id: bigint };

/**
 * Stores a report for moderators, one per reporter and subject (a second one replaces the
 * reason and note of the first). The subject is looked up through the viewer's own loaders,
 * so what the viewer may not see cannot be reported (NOT_FOUND), as if it did not exist.
 */
export async function report(ctx: AppContext, input: ReportInput): Promise<boolean> {
  const viewer = requireViewer(ctx);
  const note = input.note == null ? null : checkLength('note', input.note.trim(), 0, 1000) || null;
  const subject = await visibleSubject(ctx, input.subjectId);
  if (subject.ownerId === viewer.id) {
    throw badUserInput('subjectId', 'You cannot report yourself or your own posts and comments.');
  }
  await ctx.prisma.$executeRaw`
    INSERT INTO reports (reporter_id, subject_type, subject_id, reason, note)
    VALUES (${viewer.id}, ${subject.type}::report_subject, ${subject.id}, ${input.reason}::report_reason, ${note})
    ON CONFLICT (reporter_id, subject_type, subject_id)
    DO UPDATE SET reason = EXCLUDED.reason, note = EXCLUDED.note, updated_at = now()`;
  return true;
}

async function visibleSubject(ctx: AppContext, subjectId: string): Promise<Subject & { ownerId: bigint }> {
  const parsed = parseGlobalId(subjectId);
  switch (parsed?.type) {
    case 'User': {
      const user = await ctx.loaders.userById.load(parsed.id);
      if (!user) throw notFound('User');
      return { type: 'USER', id: user.id, ownerId: user.id };
    }
    case 'Post': {
      const post = await ctx.loaders.postById.load(parsed.id);
      if (!post) throw notFound('Post');
      return { type: 'POST', id: post.id, ownerId: post.authorId };
    }
    case 'Comment': {
      const comment = await ctx.loaders.commentById.load(parsed.id);
      if (!comment) throw notFound('Comment');
      return { type: 'COMMENT', id: comment.id, ownerId: comment.authorId };
    }
    default:
      // keeps TypeScript honest that every reportable type is handled above
      fromGlobalId('User', subjectId, 'subjectId');
      throw badUserInput('subjectId', 'Not a User, Post or Comment ID.');
  }
}

export const blockedUsers = (ctx: AppContext, args: PageArgs) =>
  ownList(ctx, args, BLOCKED, 'blocks', 'blocker_id');

export const mutedUsers = (ctx: AppContext, args: PageArgs) => ownList(ctx, args, MUTED, 'mutes', 'muter_id');

/** The viewer's blocked or muted accounts, most recent first, joined to the users. */
async function ownList(
  ctx: AppContext,
  args: PageArgs,
  keyset: Keyset,
  table: 'blocks' | 'mutes',
  ownerColumn: 'blocker_id' | 'muter_id',
): Promise<Connection<UserModel>> {
  const viewer = requireViewer(ctx);
  const page = keyset.parse(args);
  const listed = keyset.spec.keys[1]!.column;
  const rows = await ctx.prisma.$queryRaw<(UserModel & { listedAt: Date })[]>`
    SELECT s.created_at AS "listedAt", ${userColumns('u')}
    FROM ${Prisma.raw(table)} s JOIN users u ON u.id = ${Prisma.raw(`s.${listed}`)}
    WHERE ${Prisma.raw(`s.${ownerColumn}`)} = ${viewer.id} AND ${keyset.sqlFrom(page.after, 's')}
      AND ${ctx.visible.user('u')}
    ORDER BY ${keyset.sqlOrderBy('s')}
    LIMIT ${fetchLimit(page)}`;
  return keyset.connection(rows, page, ({ listedAt: _listedAt, ...user }) => user);
}

export const viewerHasBlocked = (ctx: AppContext, user: UserModel): Promise<boolean> =>
  ctx.loaders.viewerBlocksByUserId.load(user.id);

export const viewerHasMuted = (ctx: AppContext, user: UserModel): Promise<boolean> =>
  ctx.loaders.viewerMutesByUserId.load(user.id);
