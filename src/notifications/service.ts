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

/** The group key of a row of `source` (columns recipient_id, post_id, comment_id), as SQL. */
function groupKeySql(kind: NotificationKind): Prisma.Sql {
  if (kind === 'LIKE') return Prisma.sql`'LIKE:' || src.post_id`;
  if (kind === 'FOLLOW') return Prisma.sql`'FOLLOW'`;
  return Prisma.sql`NULL::varchar`;
}

/**
 * The CTEs `grp` (the notifications created or joined: id, recipient_id) and `joined` (the
 * actor added to each) for the rows of the CTE `src` (recipient_id, post_id, comment_id): a new
 * notification, or the actor added to the recipient's unread group (which moves it to the
 * top). Nobody is notified of their own action, nor of one by an account the read policy says
 * they may not be told about (a block, either way).
 */
function upsertGroups(policy: ReadPolicy, kind: NotificationKind, actorId: bigint): Prisma.Sql {
  const actor = Prisma.sql`${actorId}::bigint`;
  return Prisma.sql`grp AS (
      INSERT INTO notifications AS n (recipient_id, kind, post_id, comment_id, group_key)
      SELECT src.recipient_id, ${kind}::notification_kind, src.post_id, src.comment_id, ${groupKeySql(kind)}
      FROM src
      WHERE src.recipient_id <> ${actor} AND ${policy.actor(Prisma.raw('src.recipient_id'), actor)}
      ON CONFLICT (recipient_id, group_key) DO UPDATE SET updated_at = now()
      RETURNING n.id, n.recipient_id
    ), joined AS (
      INSERT INTO notification_actors (notification_id, actor_id)
      SELECT id, ${actor} FROM grp
      ON CONFLICT (notification_id, actor_id) DO UPDATE SET acted_at = EXCLUDED.acted_at
    )`;
}

/** Notifies each recipient of the action, in one statement (see upsertGroups). */
async function notify({ tx, policy }: NotifyDeps, action: Action): Promise<NotificationChange[]> {
  const recipients = [...new Set(action.recipientIds)];
  if (recipients.length === 0) return [];
  return tx.$queryRaw<NotificationChange[]>`
    WITH src AS (
      SELECT r.id AS recipient_id, ${action.postId ?? null}::bigint AS post_id, ${action.commentId ?? null}::bigint AS comment_id
      FROM unnest(${bigintArray(recipients)}) AS r(id)
    ), ${upsertGroups(policy, action.kind, action.actorId)}
    SELECT id AS "notificationId", recipient_id AS "recipientId" FROM grp`;
}

/**
 * The action and its notification in one statement, so with no transaction of its own (one
 * round trip, for the hottest writes): `action` is a data-modifying statement (INSERT ...
 * RETURNING) whose rows are the recipients to notify, as columns recipient_id, post_id and
 * comment_id. Returns how many rows the action wrote and the notifications to announce.
 */
export async function actAndNotify(
  { tx, policy }: NotifyDeps,
  a: { kind: NotificationKind; actorId: bigint; action: Prisma.Sql },
): Promise<{ acted: number; changes: NotificationChange[] }> {
  const rows = await tx.$queryRaw<
    { acted: number; notificationId: bigint | null; recipientId: bigint | null }[]
  >`
    WITH src AS (${a.action}), ${upsertGroups(policy, a.kind, a.actorId)}
    SELECT (SELECT count(*) FROM src)::int AS acted, grp.id AS "notificationId", grp.recipient_id AS "recipientId"
    FROM (SELECT 1) AS one LEFT JOIN grp ON TRUE`;
  const changes = rows.flatMap((row) =>
    row.notificationId === null
      ? []
      : [{ notificationId: row.notificationId, recipientId: row.recipientId! }],
  );
  return { acted: rows[0]?.acted ?? 0, changes };
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

/**
 * An account turned public accepted every pending request: each requester is told, and the
 * requests' notifications are answered.
 */
export async function notifyAllAccepted(
  deps: NotifyDeps,
  a: { accepterId: bigint; requesterIds: readonly bigint[] },
): Promise<NotificationChange[]> {
  if (a.requesterIds.length === 0) return [];
  await deps.tx.$executeRaw`
    DELETE FROM notifications WHERE recipient_id = ${a.accepterId} AND kind = 'FOLLOW_REQUEST'`;
  return notify(deps, { kind: 'FOLLOW_ACCEPTED', actorId: a.accepterId, recipientIds: a.requesterIds });
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
