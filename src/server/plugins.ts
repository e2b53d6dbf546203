import type { ApolloServerPlugin } from '@apollo/server';
import type { AppContext } from '../core/context';
import { clientErrorCode } from '../graphql/format-error';

/**
 * One line per operation with its request id, and the codes of the client errors it met (a
 * client's mistake is routine: no stack, no error level). Every unexpected error is logged in
 * full at error level (the client only sees the masked INTERNAL_SERVER_ERROR with the same
 * request id).
 */
export const loggingPlugin: ApolloServerPlugin<AppContext> = {
  async requestDidStart({ contextValue }) {
    const started = performance.now();
    let clientErrors: string[] | undefined;
    return {
      async didEncounterErrors({ errors, contextValue: ctx }) {
        for (const error of errors) {
          const code = clientErrorCode(error);
          if (code) (clientErrors ??= []).push(code);
          else ctx.log.error({ err: error.originalError ?? error, path: error.path }, 'operation failed');
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
          { operationName, ms: Math.round(performance.now() - started), errors: clientErrors },
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
