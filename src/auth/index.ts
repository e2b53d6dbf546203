import type { DomainModule } from '../core/module';
import { authResolvers } from './resolvers';

export const authModule: DomainModule = {
  name: 'auth',
  resolvers: authResolvers,
  limits: { signUp: { setting: 'RATE_LIMIT_SIGN_UP', per: 'address' } },
};
