import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { NotificationKind } from '../generated/prisma/enums';
import type { EventPublisher } from '../core/events';
import type { ReadPolicy } from '../core/visibility';
import { bigintArray } from '../core/sql';

/**
 * Writing notifications, for the domains whose actions cause them. Every function here runs
 * inside the caller's transaction (`tx`), the one that writes or undoes the action itself, so a
 * notification exists exactly when its action committed: an action that rolls back leaves none,
 * and none is lost if the process dies after the commit. The caller announces the returned
 * changes with `announce` once the transaction has committed.
 *
 * Grouping (LIKEs of one post, FOLLOWs): while unread, a group carries a `group_key`, unique per
 * recipient, and a new actor joins it by `INSERT ... ON CONFLICT (recipient_id, group_key) DO
 * UPDATE`: concurrent actions queue on the unique index and the group's row lock, so they can
 * never make two groups, and the actor count (kept by a trigger on notification_actors) stays
 * exact. Reading a group clears its key, so the next action starts a new one.
 */

/** What a write needs: the caller's transaction (or client) and the read policy (blocks). */
export interface NotifyDeps {
  tx: Pick<PrismaClient, '$queryRaw' | '$executeRaw'>;
  policy: ReadPolicy;
}

/** A notification created or updated (a new actor in its group), to announce after the commit. */
export interface NotificationChange {
  notificationId: bigint;
  recipientId: bigint;
}

interface Action {
  kind: NotificationKind;
  actorId: bigint;
  recipientIds: readonly bigint[];
  postId?: bigint | null;
  commentId?: bigint | null;
}

/** The unread group an action joins, or null for kinds never grouped (COMMENT, MENTION, ...). */
function groupKeyOf(kind: NotificationKind, postId: bigint | null): string | null {
  if (kind === 'LIKE' && postId !== null) return `LIKE:${postId}`;
  if (kind === 'FOLLOW') return 'FOLLOW';
  return null;
}

/**
 * Notifies each recipient of the action, in one statement: a new notification, or the actor
 * added to the recipient's unread group (which moves it to the top). Nobody is notified of their
 * own action, nor of one by an account the read policy says they may not be told about (a block,
 * either way).
 */
async function notify({ tx, policy }: NotifyDeps, action: Action): Promise<NotificationChange[]> {
  const recipients = [...new Set(action.recipientIds)].filter((id) => id !== action.actorId);
  if (recipients.length === 0) return [];
  const postId = action.postId ?? null;
  const groupKey = groupKeyOf(action.kind, postId);
  const actor = Prisma.sql`${action.actorId}::bigint`;
  const rows = await tx.$queryRaw<NotificationChange[]>`
    WITH grp AS (
      INSERT INTO notifications AS n (recipient_id, kind, post_id, comment_id, group_key)
      SELECT r.id, ${action.kind}::notification_kind, ${postId}::bigint, ${action.commentId ?? null}::bigint,
             ${groupKey}::varchar
      FROM unnest(${bigintArray(recipients)}) AS r(id)
      WHERE ${policy.actor(Prisma.raw('r.id'), actor)}
      ON CONFLICT (recipient_id, group_key) DO UPDATE SET updated_at = now()
      RETURNING n.id, n.recipient_id
    ), joined AS (
      INSERT INTO notification_actors (notification_id, actor_id)
      SELECT id, ${actor} FROM grp
      ON CONFLICT (notification_id, actor_id) DO UPDATE SET acted_at = EXCLUDED.acted_at
    )
    SELECT id AS "notificationId", recipient_id AS "recipientId" FROM grp`;
  return rows;
}

interface Undo {
  kinds: readonly NotificationKind[];
  actorId: bigint;
  /** the recipients whose notifications lose the actor (any when absent: `postId` names them) */
  recipientIds?: readonly bigint[];
  postId?: bigint;
  commentId?: bigint;
}

/**
 * Takes the actor out of the matching notifications, read or not; the trigger on
 * notification_actors lowers their actor counts and deletes those left with no actor.
 */
async function undo({ tx }: NotifyDeps, what: Undo): Promise<void> {
  const kinds = Prisma.join(what.kinds.map((kind) => Prisma.sql`${kind}::notification_kind`));
  await tx.$executeRaw`
    DELETE FROM notification_actors na USING notifications n
    WHERE na.notification_id = n.id AND na.actor_id = ${what.actorId} AND n.kind IN (${kinds})
      AND ${what.recipientIds ? Prisma.sql`n.recipient_id = ANY(${bigintArray(what.recipientIds)})` : Prisma.sql`TRUE`}
      AND ${what.postId === undefined ? Prisma.sql`TRUE` : Prisma.sql`n.post_id = ${what.postId}`}
      AND ${what.commentId === undefined ? Prisma.sql`TRUE` : Prisma.sql`n.comment_id = ${what.commentId}`}`;
}

// --- the actions, as the domains call them ---

export const notifyLike = (deps: NotifyDeps, a: { actorId: bigint; postId: bigint; authorId: bigint }) =>
  notify(deps, { kind: 'LIKE', actorId: a.actorId, recipientIds: [a.authorId], postId: a.postId });

export const undoLike = (deps: NotifyDeps, a: { actorId: bigint; postId: bigint }) =>
  undo(deps, { kinds: ['LIKE'], actorId: a.actorId, postId: a.postId });

/** Deleting the comment deletes its notification (foreign key, ON DELETE CASCADE). */
export const notifyComment = (
  deps: NotifyDeps,
  a: { actorId: bigint; postId: bigint; commentId: bigint; authorId: bigint },
) =>
  notify(deps, {
    kind: 'COMMENT',
    actorId: a.actorId,
    recipientIds: [a.authorId],
    postId: a.postId,
    commentId: a.commentId,
  });

export const notifyFollow = (deps: NotifyDeps, a: { actorId: bigint; followeeId: bigint }) =>
  notify(deps, { kind: 'FOLLOW', actorId: a.actorId, recipientIds: [a.followeeId] });

export const notifyFollowRequest = (deps: NotifyDeps, a: { actorId: bigint; targetId: bigint }) =>
  notify(deps, { kind: 'FOLLOW_REQUEST', actorId: a.actorId, recipientIds: [a.targetId] });

/** The request was accepted: the requester is told, and the request's notification is answered. */
export async function notifyFollowAccepted(
  deps: NotifyDeps,
  a: { accepterId: bigint; requesterId: bigint },
): Promise<NotificationChange[]> {
  await undoFollowRequest(deps, { actorId: a.requesterId, targetId: a.accepterId });
  return notify(deps, { kind: 'FOLLOW_ACCEPTED', actorId: a.accepterId, recipientIds: [a.requesterId] });
}

/** unfollow: the follow, or the pending request it withdraws, notifies no more. */
export const undoFollow = (deps: NotifyDeps, a: { actorId: bigint; followeeId: bigint }) =>
  undo(deps, { kinds: ['FOLLOW', 'FOLLOW_REQUEST'], actorId: a.actorId, recipientIds: [a.followeeId] });

/** A request answered (accepted or declined) or withdrawn. */
export const undoFollowRequest = (deps: NotifyDeps, a: { actorId: bigint; targetId: bigint }) =>
  undo(deps, { kinds: ['FOLLOW_REQUEST'], actorId: a.actorId, recipientIds: [a.targetId] });

/**
 * MENTION: the users a caption (`commentId` absent) or a comment mentions, each notified once
 * per post or comment (never grouped). For the discovery domain to call in the transaction that
 * writes the caption or comment; deleting the post or comment deletes these too (cascade).
 */
export const notifyMentions = (
  deps: NotifyDeps,
  a: { actorId: bigint; postId: bigint; commentId?: bigint | null; mentionedUserIds: readonly bigint[] },
) =>
  notify(deps, {
    kind: 'MENTION',
    actorId: a.actorId,
    recipientIds: a.mentionedUserIds,
    postId: a.postId,
    commentId: a.commentId ?? null,
  });

/** The caption or comment no longer mentions these users (an edit): their MENTIONs of it go. */
export const undoMentions = (
  deps: NotifyDeps,
  a: { actorId: bigint; postId: bigint; commentId?: bigint | null; unmentionedUserIds: readonly bigint[] },
) =>
  a.unmentionedUserIds.length === 0
    ? Promise.resolve()
    : undo(deps, {
        kinds: ['MENTION'],
        actorId: a.actorId,
        recipientIds: a.unmentionedUserIds,
        postId: a.postId,
        ...(a.commentId == null ? {} : { commentId: a.commentId }),
      });

/**
 * A block: each account leaves the other's notifications (groups left empty go), in the
 * block's transaction. From then on the read policy keeps new ones from being written.
 */
export async function forgetBetween({ tx }: NotifyDeps, a: bigint, b: bigint): Promise<void> {
  await tx.$executeRaw`
    DELETE FROM notification_actors na USING notifications n
    WHERE na.notification_id = n.id
      AND ((n.recipient_id = ${a} AND na.actor_id = ${b}) OR (n.recipient_id = ${b} AND na.actor_id = ${a}))`;
}

/**
 * Announces notifications written by a committed transaction to their recipients' sockets
 * (every instance, through the pub/sub). Never throws: publishing never fails the action.
 */
export async function announce(
  events: EventPublisher,
  changes: readonly NotificationChange[],
): Promise<void> {
  await Promise.all(
    changes.map((change) =>
      events.publish({
        type: 'notificationReceived',
        notificationId: String(change.notificationId),
        recipientId: String(change.recipientId),
      }),
    ),
  );
}
