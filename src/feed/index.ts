import type { DomainModule } from '../core/module';
import { feedLoaders } from './loaders';
import { feedResolvers } from './resolvers';

export const feedModule: DomainModule = {
  name: 'feed',
  resolvers: feedResolvers,
  loaders: feedLoaders,
};
