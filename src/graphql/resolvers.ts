import type { Resolvers } from '../generated/graphql';
import type { DomainModule } from '../core/module';
import { DateTime } from '../core/scalars';
import { nodeResolvers } from './node';

/** Each domain contributes its resolvers; @graphql-tools merges them into one map. */
export const resolversOf = (modules: readonly DomainModule[]): Resolvers[] => [
  { DateTime },
  nodeResolvers(modules),
  ...modules.map((module) => module.resolvers),
];
