import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  execute,
  GraphQLError,
  printSchema,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type Request = Parameters<Executor>[0];

/** Compiled operations kept at once; a client sending ever-new documents only evicts. */
const MAX_COMPILED_OPERATIONS = 1_000;

/** What the cache remembers for an operation: its compiled form, or that graphql-js runs it. */
type Plan = CompiledQuery | 'graphql-js';

/**
 * Apollo Server runs a custom executor only through its `gateway` option: Apollo still parses,
 * validates (with our rules), resolves the operation and runs every plugin hook around it; only
 * the execution itself is graphql-jit's. The schema is static, so it is announced once.
 */
export function compiledExecutorGateway(schema: GraphQLSchema): Gateway {
  const executor = compiledExecutor(schema);
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    load: async () => ({ executor }),
    stop: async () => {},
  };
}

export function compiledExecutor(schema: GraphQLSchema): Executor {
  // Apollo has hashed the source already: the key costs nothing more to compute.
  const plans = new LRUCache<string, Plan>({ max: MAX_COMPILED_OPERATIONS });
  const planFor = (request: Request): Plan => {
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    let plan = plans.get(key);
    if (plan === undefined) {
      plan = compile(schema, request);
      plans.set(key, plan);
    }
    return plan;
  };

  return async (request) => {
    if (!compiles(request)) return runGraphqlJs(schema, request);
    const plan = planFor(request);
    if (plan === 'graphql-js') return runGraphqlJs(schema, request);
    const result = await plan.query(undefined, request.context, request.request.variables ?? {});
    // No data: the variables did not coerce and nothing ran. graphql-js words that error the
    // way Apollo recognises (BAD_USER_INPUT, HTTP 400); running it again has no side effect.
    if (result.data === undefined) return runGraphqlJs(schema, request);
    // graphql-js's key order too (Apollo reorders them for HTTP; other callers may not).
    return result.errors ? { errors: result.errors.map(asGraphqlJsError), data: result.data } : result;
  };
}

/**
 * graphql-jit's own error class leaves `extensions` undefined when the resolver's error had
 * none; Apollo, formatError and the logging plugin read `extensions.code` of every error. The
 * error graphql-js would have made: same message, path, locations, original error and
 * extensions (the original's, if any).
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const converted = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
  });
  // graphql-js derives locations from AST nodes, which a compiled error does not carry.
  (converted as { locations?: readonly SourceLocation[] }).locations = error.locations;
  return converted;
}

/**
 * Queries only. No operation to run (several unnamed, or no such name): graphql-js words the
 * error. Mutations: graphql-js stops a mutation at the first root field whose error nulls the
 * whole response, graphql-jit runs the remaining ones (e.g. 15 aliased logIn attempts where the
 * limits count on one). Subscriptions never reach the HTTP executor.
 */
function compiles(request: Request): boolean {
  return request.operation?.operation === 'query';
}

/** The compiled form, or graphql-js for what graphql-jit refuses to compile. */
function compile(schema: GraphQLSchema, request: Request): Plan {
  const compiled = compileQuery(schema, request.document, request.operationName ?? undefined, {
    // Stack traces of resolver errors are never shown (masked) and only cost time.
    disablingCapturingStackErrors: true,
  });
  return isCompiledQuery(compiled) ? compiled : 'graphql-js';
}

function runGraphqlJs(schema: GraphQLSchema, request: Request): Promise<ExecutionResult> {
  return Promise.resolve(
    execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables,
      operationName: request.request.operationName,
    }),
  );
}
