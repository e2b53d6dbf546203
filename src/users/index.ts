import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { userLoaders } from './loaders';
import { userResolvers } from './resolvers';

export const usersModule: DomainModule = {
  name: 'users',
  typeDefs: sdlIn(__dirname),
  resolvers: userResolvers,
  loaders: userLoaders,
  nodes: { User: (ctx, id) => ctx.loaders.userById.load(id) },
};
