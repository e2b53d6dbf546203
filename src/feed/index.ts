import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { feedLoaders } from './loaders';
import { feedResolvers } from './resolvers';

export const feedModule: DomainModule = {
  name: 'feed',
  typeDefs: sdlIn(__dirname),
  resolvers: feedResolvers,
  loaders: feedLoaders,
};
