import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { postCreated } from './events';
import { postLoaders } from './loaders';
import { postResolvers } from './resolvers';

export const postsModule: DomainModule = {
  name: 'posts',
  typeDefs: sdlIn(__dirname),
  resolvers: postResolvers,
  loaders: postLoaders,
  nodes: { Post: (ctx, id) => ctx.loaders.postById.load(id) },
  limits: { createPost: { setting: 'RATE_LIMIT_CREATE_POST', per: 'viewer' } },
  events: { postCreated },
};
