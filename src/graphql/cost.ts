import {
  getNullableType,
  getVariableValues,
  GraphQLError,
  isListType,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { MAX_PAGE_SIZE } from '../core/connection';

/** What an operation would cost and the most one may cost; sent in `extensions.cost`. */
export interface OperationCost {
  requested: number;
  limit: number;
}

/** Lists that are not connections (a post's media: 1..10 items) count as this many. */
const PLAIN_LIST_SIZE = 10;

/**
 * Every field costs 1, and a list multiplies the cost of what is selected in each item by the
 * number of items it may return: a connection by its `first` (after variables and defaults),
 * another list by PLAIN_LIST_SIZE. So `explore(first: 100) { edges { node { likedBy(first:
 * 100) { ... } } } }` costs about 100 x 100 x (fields per user): the work the server would do.
 * graphql-armor's cost rule ignores `first`; graphql-query-complexity walks the document
 * (fragments, @skip/@include, abstract types) and lets us supply this estimator.
 */
const listAwareEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (typeof args.first === 'number') {
    // An out-of-range `first` is refused by the resolver (BAD_USER_INPUT) before any SQL; for
    // the estimate it can fetch no more than a full page.
    return 1 + Math.min(Math.max(args.first, 0), MAX_PAGE_SIZE) * childComplexity;
  }
  // Relay `edges` is already counted by its connection's `first`.
  if (isListType(getNullableType(field.type)) && field.name !== 'edges') {
    return 1 + PLAIN_LIST_SIZE * childComplexity;
  }
  return 1 + childComplexity;
};

/**
 * Introspection (`__schema`, `__type`) costs nothing here: its answer is bounded by the schema,
 * and the cycles that could blow it up (`fields { type { fields ... } }`) are refused by
 * graphql-js's own MaxIntrospectionDepthRule, one of the specified rules. Counted like data,
 * the standard introspection query Sandbox sends would cost about 50,000.
 */
const introspectionFree: ComplexityEstimator = (options) =>
  options.field.name === '__schema' || options.field.name === '__type' ? 0 : listAwareEstimator(options);

/**
 * The cost of the operation that will run, or null when its variables do not coerce
 * (execution then refuses it with BAD_USER_INPUT before any resolver runs). Throws a
 * GraphQLError (GRAPHQL_VALIDATION_FAILED) when it is over the limit.
 */
export function checkOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limit: number,
): OperationCost | null {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return null;
  const requested = memoizedComplexity(schema, document, operation, variables ?? {}, coerced.coerced);
  const cost = { requested, limit };
  if (requested > limit) {
    throw new GraphQLError(
      `Operation cost ${requested} exceeds the limit of ${limit}. Ask for smaller pages (\`first\`) ` +
        'or fewer nested lists.',
      { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, http: { status: 400 } } },
    );
  }
  return cost;
}

/**
 * Apollo hands every request with the same query text the same parsed `document`, so an
 * estimate is kept per document and per the variables that can change it: numbers (`first`)
 * and booleans (`@skip`/`@include`). A cursor or an id cannot, so page 2, 3... of a feed reuse
 * page 1's estimate (bench: the walk was ~2% of a feed request's CPU).
 */
const estimates = new WeakMap<DocumentNode, Map<string, number>>();
const MAX_ESTIMATES_PER_DOCUMENT = 64;

function memoizedComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  coerced: Record<string, unknown>,
): number {
  const shape = Object.entries(coerced).filter(([, v]) => typeof v === 'number' || typeof v === 'boolean');
  const key = JSON.stringify([operation.name?.value ?? null, shape]);
  let byKey = estimates.get(document);
  const known = byKey?.get(key);
  if (known !== undefined) return known;
  let requested: number;
  try {
    requested = getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables,
      estimators: [introspectionFree],
    });
  } catch (error) {
    // e.g. fragments spread into more than 10,000 selections: too big to estimate
    throw new GraphQLError(error instanceof GraphQLError ? error.message : 'Operation too complex.', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
    });
  }
  if (!byKey) estimates.set(document, (byKey = new Map()));
  if (byKey.size >= MAX_ESTIMATES_PER_DOCUMENT) byKey.clear();
  byKey.set(key, requested);
  return requested;
}
