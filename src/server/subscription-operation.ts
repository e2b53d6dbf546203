import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { Logger } from 'pino';
import { checkOperationCost } from '../graphql/cost';
import { formatError } from '../graphql/format-error';

export interface OperationRules {
  hideSuggestions: boolean;
  /** from `validationRules(config)`, as Apollo is given them */
  validationRules: ValidationRule[];
  maxTokens: number;
  maxCost: number;
}

/** What a client sends to subscribe, on either transport (graphql-ws and graphql-sse agree). */
export interface SubscriptionRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * Turns a subscription request (a graphql-ws `subscribe` message or a graphql-sse request) into
 * execution arguments, holding it to the same rules as an HTTP operation (Apollo, which applies
 * them there, never sees this traffic): token limit, validation with the operation limits, cost
 * limit. Or into the errors to answer with; no resolver runs for a refused document.
 */
export function prepareOperation(
  schema: GraphQLSchema,
  payload: SubscriptionRequest,
  options: OperationRules,
): ExecutionArgs | GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: options.maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError) return [requestError(error, 'GRAPHQL_PARSE_FAILED', options)];
    throw error;
  }
  const invalid = validate(schema, document, [...specifiedRules, ...options.validationRules]);
  if (invalid.length > 0) return invalid.map((e) => requestError(e, 'GRAPHQL_VALIDATION_FAILED', options));
  const operation = getOperationAST(document, payload.operationName);
  // Queries and mutations go over HTTP, where CSRF prevention, masking and logging apply.
  if (operation?.operation !== 'subscription') {
    return [
      new GraphQLError('Only subscriptions are served here; send queries and mutations to POST /graphql.', {
        extensions: { code: 'BAD_REQUEST' },
      }),
    ];
  }
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
  if (variables.errors) return variables.errors.map((e) => requestError(e, 'BAD_USER_INPUT', options));
  try {
    checkOperationCost(schema, document, operation, payload.variables ?? undefined, options.maxCost);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    // as on HTTP, where Apollo turns `http` into the response status
    const { http: _http, ...extensions } = error.extensions;
    void _http;
    return [new GraphQLError(error.message, { extensions })];
  }
  return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
}

/** As Apollo does on HTTP: a request error gets its code, and no schema hints in production. */
function requestError(
  error: GraphQLError,
  code: string,
  options: { hideSuggestions: boolean },
): GraphQLError {
  const message = options.hideSuggestions
    ? error.message.replace(/ ?Did you mean(.+)\?$/, '')
    : error.message;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { code },
  });
}

/** The HTTP error policy on subscriptions: expected errors as they are, the rest masked and logged. */
export function formatErrors(
  errors: readonly GraphQLError[],
  log: Logger,
  requestId?: string,
): GraphQLFormattedError[] {
  return errors.map((error) => {
    const formatted = formatError(error.toJSON(), error);
    if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
    log.error({ err: error.originalError ?? error, path: error.path, requestId }, 'subscription failed');
    return { ...formatted, extensions: { ...formatted.extensions, requestId } };
  });
}
