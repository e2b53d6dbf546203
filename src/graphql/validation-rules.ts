import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { Config } from '../config';

export type OperationLimits = Pick<Config, 'MAX_QUERY_DEPTH' | 'MAX_ALIASES' | 'MAX_DIRECTIVES'>;

/**
 * The operation limits every document must pass on top of graphql-js's specified rules, on
 * both transports: Apollo (HTTP) appends them to its defaults through `validationRules`, and
 * graphql-ws, which Apollo never sees, runs `[...specifiedRules, ...rules]` itself in
 * `onSubscribe`. Add a rule here and it applies to queries, mutations and subscriptions alike.
 *
 * graphql-armor's rules follow fragment spreads (so a fragment cannot hide depth or aliases)
 * and only exempt the real `__schema` field from the depth count, not a fragment named so;
 * introspection stays bounded by the cost limit. The token limit is graphql-js's own
 * `maxTokens` parse option and the list-aware cost limit needs the variables: see
 * `./cost.ts`.
 */
export function validationRules(limits: OperationLimits): ValidationRule[] {
  // Report like any validation error (HTTP 400 GRAPHQL_VALIDATION_FAILED) instead of
  // throwing out of graphql-js's validate(), armor's default.
  const common = { propagateOnRejection: false, onReject: [report], exposeLimits: true };
  return [
    maxDepthRule({ ...common, n: limits.MAX_QUERY_DEPTH, ignoreIntrospection: true, flattenFragments: true }),
    maxAliasesRule({ ...common, n: limits.MAX_ALIASES }),
    maxDirectivesRule({ ...common, n: limits.MAX_DIRECTIVES }),
  ];
}

function report(context: ValidationContext | null, error: GraphQLError): void {
  // armor words every limit as "Syntax Error: ..."; the document parsed fine, it is too big.
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
}
