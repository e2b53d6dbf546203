import fs from 'node:fs';
import { buildSchema as parseSdl, printSchema } from 'graphql';
import { buildSchema, printSchemaOf, SCHEMA_PATH } from '../../src/graphql/schema';

/**
 * Each domain owns its part of the schema (src/<domain>/schema.graphql); the committed
 * schema.graphql at the top is their merge, for clients and the contract check. A change to a
 * part without `npm run codegen` fails here.
 */
it('schema.graphql is the merge of the modules’ parts', () => {
  expect(fs.readFileSync(SCHEMA_PATH, 'utf8')).toBe(printSchemaOf());
});

it('the server serves exactly that schema', () => {
  expect(printSchema(buildSchema())).toBe(printSchema(parseSdl(fs.readFileSync(SCHEMA_PATH, 'utf8'))));
});
