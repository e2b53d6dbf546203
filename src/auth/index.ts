import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { authResolvers } from './resolvers';

export const authModule: DomainModule = {
  name: 'auth',
  typeDefs: sdlIn(__dirname),
  resolvers: authResolvers,
  limits: { signUp: { setting: 'RATE_LIMIT_SIGN_UP', per: 'address' } },
};
