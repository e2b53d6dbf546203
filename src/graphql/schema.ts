import fs from 'node:fs';
import path from 'node:path';
import { mergeTypeDefs } from '@graphql-tools/merge';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { print, type GraphQLSchema } from 'graphql';
import type { DomainModule } from '../core/module';
import { modules } from '../modules';
import { resolversOf } from './resolvers';

/**
 * The committed, merged schema: what clients and the contract check read. Written by
 * `npm run codegen` from the modules' parts; a test fails when it drifts from them.
 */
export const SCHEMA_PATH = path.resolve(__dirname, '..', '..', 'schema.graphql');

/** The conventions, the roots, and what every domain shares (Node, PageInfo, DateTime). */
const BASE = fs.readFileSync(path.join(__dirname, 'base.graphql'), 'utf8');

const typeDefsOf = (of: readonly DomainModule[]): string[] => [BASE, ...of.map((module) => module.typeDefs)];

/** The whole schema as one SDL document, each type's fields in module order. */
export function printSchemaOf(of: readonly DomainModule[] = modules): string {
  return `${print(mergeTypeDefs(typeDefsOf(of), { throwOnConflict: true }))}\n`;
}

/** Schema-first: every module's SDL plus its resolvers. */
export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: typeDefsOf(modules),
    resolvers: resolversOf(modules),
    inheritResolversFromInterfaces: true,
  });
}
