import type { GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '../db/errors';
import { EXPECTED_CODES, SERVICE_UNAVAILABLE_MESSAGE } from './errors';

// Apollo's own codes for requests that never executed: safe to show as they are.
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export const INTERNAL_ERROR_MESSAGE = 'Internal server error.';

/**
 * Expected errors (the contract's codes, Apollo's request errors) are shown as they are;
 * anything else is masked: no message, stack trace or SQL ever reaches a client. The
 * original is logged with the request id by the logging plugin.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  // The database is down, restarting or out of free connections: the operation was not
  // half-written and the client may retry. Said generically; the cause is in the log.
  if (isDatabaseUnavailable(error)) {
    return {
      message: SERVICE_UNAVAILABLE_MESSAGE,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    };
  }
  if (typeof code === 'string' && (EXPECTED_CODES.has(code) || REQUEST_CODES.has(code))) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    void _stacktrace;
    return { ...formatted, extensions };
  }
  return {
    message: INTERNAL_ERROR_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
