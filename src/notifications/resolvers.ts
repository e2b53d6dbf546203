import type { Resolvers } from '../generated/graphql';
import { toGlobalId } from '../core/global-id';
import type { EventEnvelope } from '../realtime/event-scope';
import type { NotificationModel } from './models';
import {
  actorsOf,
  commentOf,
  latestActor,
  markRead,
  notificationsOf,
  notificationStream,
  postOf,
  unreadCount,
} from './reads';

export const notificationResolvers: Resolvers = {
  Query: {
    notifications: (_parent, args, ctx) => notificationsOf(ctx, args),
    unreadNotificationCount: (_parent, _args, ctx) => unreadCount(ctx),
  },
  Mutation: {
    markNotificationsRead: (_parent, { upTo }, ctx) => markRead(ctx, upTo),
  },
  Subscription: {
    notificationReceived: {
      subscribe: (_root, _args, ctx) => notificationStream(ctx),
      // the payload is loaded once per event by the realtime hub
      resolve: (envelope: EventEnvelope<NotificationModel>) => envelope.payload,
    },
  },
  Notification: {
    id: (notification) => toGlobalId('Notification', notification.id),
    actor: (notification, _args, ctx) => latestActor(ctx, notification),
    actors: (notification, { first }, ctx) => actorsOf(ctx, notification, first ?? undefined),
    post: (notification, _args, ctx) => postOf(ctx, notification),
    comment: (notification, _args, ctx) => commentOf(ctx, notification),
    read: (notification) => notification.readAt !== null,
  },
};
