import type { DomainModule } from '../core/module';
import { likeLoaders } from './loaders';
import { likeResolvers } from './resolvers';

export const likesModule: DomainModule = {
  name: 'likes',
  resolvers: likeResolvers,
  loaders: likeLoaders,
};
