import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { safetyLoaders } from './loaders';
import { safetyResolvers } from './resolvers';

/** Blocks, mutes and reports: what a person does to keep others away or to flag them. */
export const safetyModule: DomainModule = {
  name: 'safety',
  typeDefs: sdlIn(__dirname),
  resolvers: safetyResolvers,
  loaders: safetyLoaders,
  limits: {
    block: { setting: 'RATE_LIMIT_BLOCK', per: 'viewer' },
    mute: { setting: 'RATE_LIMIT_MUTE', per: 'viewer' },
    report: { setting: 'RATE_LIMIT_REPORT', per: 'viewer' },
  },
};
