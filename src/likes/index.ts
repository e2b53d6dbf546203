import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { likeLoaders } from './loaders';
import { likeResolvers } from './resolvers';

export const likesModule: DomainModule = {
  name: 'likes',
  typeDefs: sdlIn(__dirname),
  resolvers: likeResolvers,
  loaders: likeLoaders,
  limits: { likePost: { setting: 'RATE_LIMIT_LIKE_POST', per: 'viewer' } },
};
