import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { searchResolvers } from './resolvers';

export const searchModule: DomainModule = {
  name: 'search',
  typeDefs: sdlIn(__dirname),
  resolvers: searchResolvers,
};
