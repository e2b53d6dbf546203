import type { DomainModule } from '../core/module';
import { followLoaders } from './loaders';
import { followResolvers } from './resolvers';

export const followsModule: DomainModule = {
  name: 'follows',
  resolvers: followResolvers,
  loaders: followLoaders,
  limits: { follow: { setting: 'RATE_LIMIT_FOLLOW', per: 'viewer' } },
};
