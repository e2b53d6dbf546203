import type { GraphQLScalarType } from 'graphql';
import type { Resolvers } from '../generated/graphql';
import type { DomainModule } from '../core/module';
import { DateTime } from '../core/scalars';
import { nodeResolvers } from './node';

// Only the scalar's behaviour: a whole GraphQLScalarType would replace the SDL's description.
const { serialize, parseValue, parseLiteral } = DateTime.toConfig();
const scalars = { DateTime: { serialize, parseValue, parseLiteral } as unknown as GraphQLScalarType };

/** Each domain contributes its resolvers; @graphql-tools merges them into one map. */
export const resolversOf = (modules: readonly DomainModule[]): Resolvers[] => [
  scalars,
  nodeResolvers(modules),
  ...modules.map((module) => module.resolvers),
];
