import type { ApolloServerPlugin } from '@apollo/server';
import type { AppContext } from '../context';
import { EXPECTED_CODES } from '../graphql/errors';

/**
 * Logs each operation with its request id, and every unexpected error in full (the client
 * only sees the masked INTERNAL_SERVER_ERROR with the same request id).
 */
export const loggingPlugin: ApolloServerPlugin<AppContext> = {
  async requestDidStart({ contextValue }) {
    const started = performance.now();
    return {
      async didEncounterErrors({ errors, contextValue: ctx }) {
        for (const error of errors) {
          const code = error.extensions?.code;
          if (typeof code === 'string' && EXPECTED_CODES.has(code)) continue;
          ctx.log.error({ err: error.originalError ?? error, path: error.path }, 'operation failed');
        }
      },
      async willSendResponse({ response, operationName }) {
        if (response.body.kind === 'single') {
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
        }
        contextValue.log.info(
          { operationName, ms: Math.round(performance.now() - started) },
          'graphql operation',
        );
      },
    };
  },
};

/** Every response is uncacheable by shared and private caches alike (it may be personal). */
export const noStorePlugin: ApolloServerPlugin<AppContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};
