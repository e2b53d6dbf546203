import type { DomainModule } from '../core/module';
import { subscriptionResolvers } from './resolvers';

export const realtimeModule: DomainModule = {
  name: 'realtime',
  resolvers: subscriptionResolvers,
};
