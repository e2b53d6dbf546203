import type { DomainModule } from '../core/module';
import { likeLoaders } from './loaders';
import { likeResolvers } from './resolvers';

export const likesModule: DomainModule = {
  name: 'likes',
  resolvers: likeResolvers,
  loaders: likeLoaders,
  limits: { likePost: { setting: 'RATE_LIMIT_LIKE_POST', per: 'viewer' } },
};
