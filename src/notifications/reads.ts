import type { AppContext } from '../core/context';
import { fetchLimit, keyset, type Connection, type PageArgs } from '../core/connection';
import { carry, fetchedWith } from '../core/fetched-with';
import { notFound, badUserInput } from '../core/errors';
import { fromGlobalId } from '../core/global-id';
import { requireViewer } from '../core/viewer';
import type { Comment, Post } from '../generated/prisma/client';
import { filtered } from '../realtime/filter';
import type { EventEnvelope } from '../realtime/event-scope';
import { COMMENT_ROW } from '../comments/columns';
import { POST_ROW } from '../posts/columns';
import type { UserJson, UserModel } from '../users/columns';
import { NOTIFICATION_ROW, notificationColumns } from './columns';
import { notificationTrigger } from './events';
import { actorsFromJson, actorsJson } from './loaders';
import type { NotificationModel } from './models';
import { MAX_ACTORS, shownNotification } from './shown';

/** The viewer's notifications, most recently updated first; (recipient_id, updated_at, id) serves it. */
export const NOTIFICATIONS = keyset({
  name: 'notifications',
  direction: 'desc',
  keys: [
    { field: 'updatedAt', column: 'updated_at', type: 'date' },
    { field: 'id', column: 'id', type: 'bigint' },
  ],
});

/** What the list's statement fetched with each notification, so its fields need no statement. */
interface NotificationFetchedWith {
  actors: UserModel[];
  post: Post | null;
  comment: Comment | null;
}

type ListRow = Record<string, unknown> & { actors: UserJson[] };

/**
 * A page of the viewer's notifications in one statement: each row with its first actors (JSON),
 * its post and its comment, every one through the read policy (see shownNotification).
 */
export async function notificationsOf(
  ctx: AppContext,
  args: PageArgs,
): Promise<Connection<NotificationModel>> {
  const viewer = requireViewer(ctx);
  const page = NOTIFICATIONS.parse(args);
  const rows = await ctx.prisma.$queryRaw<ListRow[]>`
    SELECT ${notificationColumns('n')}, ${POST_ROW.columns('p', 'post.')}, ${COMMENT_ROW.columns('c', 'comment.')},
      ${actorsJson('n', ctx.visible)} AS actors
    FROM notifications n
    LEFT JOIN posts p ON p.id = n.post_id
    LEFT JOIN comments c ON c.id = n.comment_id
    WHERE n.recipient_id = ${viewer.id} AND ${NOTIFICATIONS.sqlFrom(page.after, 'n')}
      AND ${shownNotification(ctx.visible, 'n')}
    ORDER BY ${NOTIFICATIONS.sqlOrderBy('n')}
    LIMIT ${fetchLimit(page)}`;
  return NOTIFICATIONS.connection(rows, page, (row) => fromListRow(ctx, row));
}

function fromListRow(ctx: AppContext, row: ListRow): NotificationModel {
  const notification = NOTIFICATION_ROW.fromRow(row);
  // posts and comments are left-joined: absent ones come back as a row of NULLs
  const post = row['post.id'] == null ? null : POST_ROW.fromRow(row, 'post.');
  const comment = row['comment.id'] == null ? null : COMMENT_ROW.fromRow(row, 'comment.');
  if (post) ctx.loaders.postById.prime(post.id, post);
  if (comment) ctx.loaders.commentById.prime(comment.id, comment);
  return carry<NotificationModel, NotificationFetchedWith>(notification, {
    actors: actorsFromJson(row.actors, ctx.loaders),
    post,
    comment,
  });
}

export async function unreadCount(ctx: AppContext): Promise<number> {
  const viewer = requireViewer(ctx);
  const [row] = await ctx.prisma.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM notifications n
    WHERE n.recipient_id = ${viewer.id} AND n.read_at IS NULL AND ${shownNotification(ctx.visible, 'n')}`;
  return row!.count;
}

/**
 * Marks the viewer's unread notifications updated at or before `upTo`'s (all when omitted) as
 * read, in one statement, and returns how many changed. A read group loses its group key, so
 * the next like or follow starts a new group. NOT_FOUND for an upTo that is not the viewer's.
 */
export async function markRead(ctx: AppContext, upTo: string | null | undefined): Promise<number> {
  const viewer = requireViewer(ctx);
  const upToId = upTo == null ? null : fromGlobalId('Notification', upTo, 'upTo');
  const [row] = await ctx.prisma.$queryRaw<{ marked: number; found: boolean }[]>`
    WITH target AS (
      SELECT t.updated_at FROM notifications t WHERE t.id = ${upToId} AND t.recipient_id = ${viewer.id}
    ), marked AS (
      UPDATE notifications n SET read_at = now(), group_key = NULL
      WHERE n.recipient_id = ${viewer.id} AND n.read_at IS NULL
        AND (${upToId}::bigint IS NULL OR n.updated_at <= (SELECT updated_at FROM target))
        AND ${shownNotification(ctx.visible, 'n')}
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM marked)::int AS marked, EXISTS (SELECT 1 FROM target) AS found`;
  if (upToId !== null && !row!.found) throw notFound('Notification');
  return row!.marked;
}

/** notificationReceived: the viewer's new and updated notifications, re-checked at delivery. */
export function notificationStream(
  ctx: AppContext,
): Promise<AsyncIterable<EventEnvelope<NotificationModel>>> {
  const viewer = requireViewer(ctx);
  return filtered<NotificationModel>(ctx, notificationTrigger(viewer.id), async ({ payload }) => {
    if (payload.recipientId !== viewer.id) return false;
    // a block (or anything else the read policy hides) made since the action applies here
    const [shown] = await ctx.prisma.$queryRaw<unknown[]>`
      SELECT 1 FROM notifications n WHERE n.id = ${payload.id} AND ${shownNotification(ctx.visible, 'n')}`;
    return shown !== undefined;
  });
}

// --- fields ---

export async function actorsOf(
  ctx: AppContext,
  notification: NotificationModel,
  first: number = 3,
): Promise<UserModel[]> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_ACTORS) {
    throw badUserInput('first', `first must be between 1 and ${MAX_ACTORS}.`);
  }
  const fetched = fetchedWith<NotificationFetchedWith>(notification)?.actors;
  const actors = fetched ?? (await ctx.loaders.actorsByNotificationId.load(notification.id))?.actors ?? [];
  return actors.slice(0, first);
}

/** The most recent actor; a notification is only shown while it has one the viewer may see. */
export async function latestActor(ctx: AppContext, notification: NotificationModel): Promise<UserModel> {
  const [actor] = await actorsOf(ctx, notification, 1);
  if (!actor) throw notFound('User');
  return actor;
}

export async function postOf(ctx: AppContext, notification: NotificationModel): Promise<Post | null> {
  const fetched = fetchedWith<NotificationFetchedWith>(notification);
  if (fetched) return fetched.post;
  return notification.postId === null ? null : ctx.loaders.postById.load(notification.postId);
}

export async function commentOf(ctx: AppContext, notification: NotificationModel): Promise<Comment | null> {
  const fetched = fetchedWith<NotificationFetchedWith>(notification);
  if (fetched) return fetched.comment;
  return notification.commentId === null ? null : ctx.loaders.commentById.load(notification.commentId);
}
