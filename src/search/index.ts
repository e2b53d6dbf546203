import type { DomainModule } from '../core/module';
import { searchResolvers } from './resolvers';

export const searchModule: DomainModule = {
  name: 'search',
  resolvers: searchResolvers,
};
