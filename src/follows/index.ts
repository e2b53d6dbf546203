import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { followLoaders } from './loaders';
import { followResolvers } from './resolvers';

export const followsModule: DomainModule = {
  name: 'follows',
  typeDefs: sdlIn(__dirname),
  resolvers: followResolvers,
  loaders: followLoaders,
  nodes: { FollowRequest: (ctx, id) => ctx.loaders.followRequestById.load(id) },
  limits: { follow: { setting: 'RATE_LIMIT_FOLLOW', per: 'viewer' } },
};
