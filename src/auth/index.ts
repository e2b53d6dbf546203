import type { DomainModule } from '../core/module';
import { authResolvers } from './resolvers';

export const authModule: DomainModule = {
  name: 'auth',
  resolvers: authResolvers,
};
