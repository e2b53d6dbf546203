import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { notificationReceived } from './events';
import { notificationLoaders } from './loaders';
import { notificationResolvers } from './resolvers';

export const notificationsModule: DomainModule = {
  name: 'notifications',
  typeDefs: sdlIn(__dirname),
  resolvers: notificationResolvers,
  loaders: notificationLoaders,
  nodes: { Notification: (ctx, id) => ctx.loaders.viewerNotificationById.load(id) },
  events: { notificationReceived },
};
