import type { DomainModule } from '../core/module';
import { userLoaders } from './loaders';
import { userResolvers } from './resolvers';

export const usersModule: DomainModule = {
  name: 'users',
  resolvers: userResolvers,
  loaders: userLoaders,
  nodes: { User: (ctx, id) => ctx.loaders.userById.load(id) },
};
