import fs from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { modules } from '../modules';
import { resolversOf } from './resolvers';

export const SCHEMA_PATH = path.resolve(__dirname, '..', '..', 'schema.graphql');

/** Schema-first: the SDL in schema.graphql plus the domain resolvers. */
export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: fs.readFileSync(SCHEMA_PATH, 'utf8'),
    resolvers: resolversOf(modules),
    inheritResolversFromInterfaces: true,
  });
}
