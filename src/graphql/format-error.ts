import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '../db/errors';
import { EXPECTED_CODES, SERVICE_UNAVAILABLE_MESSAGE } from '../core/errors';

// Apollo's own codes for requests that never executed: safe to show as they are.
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const isClientErrorCode = (code: unknown): code is string =>
  typeof code === 'string' && (EXPECTED_CODES.has(code) || REQUEST_CODES.has(code));

/**
 * The code of an error the client caused (shown as it is, logged without a stack), or null
 * for anything unexpected.
 */
export function clientErrorCode(error: GraphQLError): string | null {
  const code = error.extensions.code;
  if (isClientErrorCode(code)) return code;
  return isUncodedRequestError(error) ? 'BAD_REQUEST' : null;
}

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
  if (isClientErrorCode(code)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    void _stacktrace;
    return { ...formatted, extensions };
  }
  if (isUncodedRequestError(error)) {
    return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
  }
  return {
    message: INTERNAL_ERROR_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * Apollo refuses some requests with an HTTP 4xx status but no code, which would otherwise be
 * masked as INTERNAL_SERVER_ERROR: an APQ hash that does not match its query, an unsupported
 * APQ version.
 */
function isUncodedRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined || error.path) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
