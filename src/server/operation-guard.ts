import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Config } from '../config';
import type { AppContext } from '../core/context';
import { checkOperationCost, type OperationCost } from '../graphql/cost';
import { authenticateRequest } from './request-context';

/**
 * What runs between validation and execution of an HTTP operation, in this order: a
 * subscription is refused (its events need a socket or an event stream to go out on), the cost limit (which needs
 * the variables, so it cannot be a validation rule), then the request's authentication. An operation refused by any limit (parse, validation or cost) therefore
 * never reaches the database, not even for its token. The cost goes out in every response's
 * `extensions.cost` ({ requested, limit }), refused or not, so clients can see their budget.
 */
export function operationGuardPlugin(config: Pick<Config, 'MAX_COST'>): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      let cost: OperationCost | null = null;
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          // No such operation: execution refuses it, with no resolver and nothing to check.
          if (!operation) return;
          if (operation.operation === 'subscription') throw subscriptionOverHttp();
          try {
            cost = checkOperationCost(schema, document, operation, request.variables, config.MAX_COST);
          } catch (error) {
            if (error instanceof GraphQLError) cost = (error.extensions.cost as OperationCost) ?? null;
            throw error;
          }
          // Variables that do not coerce: execution refuses them (400) before any resolver.
          if (!cost) return;
          await authenticateRequest(contextValue);
        },
        async willSendResponse({ response }) {
          if (cost && response.body.kind === 'single') {
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, cost };
          }
        },
      };
    },
  };
}

function subscriptionOverHttp(): GraphQLError {
  return new GraphQLError(
    'Subscriptions are served over WebSocket (graphql-ws) at /graphql and over Server-Sent Events ' +
      '(graphql-sse) at /graphql/stream.',
    {
      extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
    },
  );
}
