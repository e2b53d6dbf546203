import type { ValidationRule } from 'graphql';

/**
 * The operation limits every document must pass on top of graphql-js's specified rules, on
 * both transports: Apollo (HTTP) appends them to its defaults through `validationRules`, and
 * graphql-ws, which Apollo never sees, runs `[...specifiedRules, ...validationRules]` itself in
 * `onSubscribe`. Add a rule here and it applies to queries, mutations and subscriptions alike.
 */
export const validationRules: ValidationRule[] = [];
