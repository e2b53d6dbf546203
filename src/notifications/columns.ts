import { rowMapping } from '../core/columns';
import type { NotificationModel } from './models';

export const NOTIFICATION_ROW = rowMapping<NotificationModel>({
  id: 'id',
  recipientId: 'recipient_id',
  kind: 'kind',
  postId: 'post_id',
  commentId: 'comment_id',
  actorCount: 'actor_count',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  readAt: 'read_at',
} satisfies Record<keyof NotificationModel, string>);

export const notificationColumns = (alias: string) => NOTIFICATION_ROW.columns(alias);
