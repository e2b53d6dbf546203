import type { ExecutionResult, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { AppContext, AppServices, Viewer } from '../core/context';
import { isDatabaseUnavailable } from '../db/errors';
import { validationRules } from '../graphql/validation-rules';
import { eventDefinitions } from '../modules';
import type { SubscriptionContext } from '../realtime/context';
import { createRealtimeHub, type RealtimeHub } from '../realtime/hub';
import type { PubSub } from '../realtime/pubsub';
import { ConnectionsPerUser, type CountedConnection } from './connections-per-user';
import { createContext, createLoaders, LOADER_SCOPE } from './context';
import { requestIdFrom } from './request-context';
import { formatErrors, type OperationRules } from './subscription-operation';

/** Whether a subscriber may open its connection, and as whom. */
export type Admission =
  | { admitted: true; viewer: Viewer | null }
  | {
      admitted: false;
      /**
       * refused: a malformed, unknown, expired or revoked token; unavailable: the database
       * could not check it; tooMany: the user is at the connection cap; gone: the client left
       * while its token was being checked.
       */
      reason: 'refused' | 'unavailable' | 'tooMany' | 'gone';
    };

/**
 * What both subscription transports share (graphql-ws over WebSocket, graphql-sse over HTTP),
 * so that a subscription behaves the same whatever carries it: one realtime hub per instance
 * (one pub/sub listener and one EventScope per event for all subscribers), one token check and
 * one per-user connection budget, the same operation rules, context and error policy. Each
 * transport only says how it answers (close codes or HTTP statuses).
 */
export interface Subscriptions {
  readonly schema: GraphQLSchema;
  readonly services: AppServices;
  readonly realtime: RealtimeHub;
  readonly rules: OperationRules;
  /** The connections-per-user cap (WS_MAX_SOCKETS_PER_USER), for the transports' messages. */
  readonly maxConnectionsPerUser: number;
  /**
   * Checks the connection's Authorization value with the one token check of every transport;
   * a signed-in user's connection is counted against the cap until it closes.
   */
  admit(authorization: unknown, connection: CountedConnection): Promise<Admission>;
  contextFor(subscriber: {
    viewer: Viewer | null;
    clientAddress: string;
    requestId?: unknown;
    sessionEnded(): void;
  }): SubscriptionContext;
  /** A result as it goes out: expected errors as they are, the rest masked and logged. */
  formatResult(result: ExecutionResult, ctx: AppContext): ExecutionResult | FormattedResult;
  close(): Promise<void>;
}

type FormattedResult = Omit<ExecutionResult, 'errors'> & { errors: GraphQLFormattedError[] };

export function createSubscriptions(
  schema: GraphQLSchema,
  services: AppServices,
  pubsub: PubSub,
): Subscriptions {
  const { config } = services;
  const loaders = { create: createLoaders, scope: LOADER_SCOPE };
  const realtime = createRealtimeHub(pubsub, services, loaders, eventDefinitions);
  const connections = new ConnectionsPerUser(config.WS_MAX_SOCKETS_PER_USER);
  return {
    schema,
    services,
    realtime,
    rules: {
      hideSuggestions: config.isProduction,
      validationRules: validationRules(config),
      maxTokens: config.MAX_TOKENS,
      maxCost: config.MAX_COST,
    },
    maxConnectionsPerUser: connections.max,
    async admit(authorization, connection) {
      let viewer: Viewer | 'anonymous' | 'refused';
      try {
        viewer = await services.sessions.viewerOf(authorization);
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        services.log.warn({ err: error }, 'database unavailable while authenticating a subscriber');
        return { admitted: false, reason: 'unavailable' };
      }
      if (viewer === 'anonymous') return { admitted: true, viewer: null };
      if (viewer === 'refused') return { admitted: false, reason: 'refused' };
      if (!connection.isOpen()) return { admitted: false, reason: 'gone' };
      if (!connections.tryOpen(viewer.id, connection)) return { admitted: false, reason: 'tooMany' };
      return { admitted: true, viewer };
    },
    contextFor: ({ viewer, clientAddress, requestId, sessionEnded }) => ({
      ...createContext(services, { requestId: requestIdFrom(requestId), viewer, clientAddress }),
      realtime,
      sessionEnded,
    }),
    formatResult: (result, ctx) =>
      result.errors ? { ...result, errors: formatErrors(result.errors, ctx.log, ctx.requestId) } : result,
    close: () => realtime.close(),
  };
}
