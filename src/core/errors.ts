import { GraphQLError } from 'graphql';

/**
 * One helper per error code of the contract. Services throw these; anything else that escapes
 * a resolver is masked as INTERNAL_SERVER_ERROR by the server's formatError.
 */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'RATE_LIMITED';

export const EXPECTED_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'RATE_LIMITED',
]);

function userError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const unauthenticated = (message = 'You must be logged in.'): GraphQLError =>
  userError('UNAUTHENTICATED', message);

export const forbidden = (message = 'You are not allowed to do that.'): GraphQLError =>
  userError('FORBIDDEN', message);

export const notFound = (what: string): GraphQLError => userError('NOT_FOUND', `${what} not found.`);

/** `field` names the input field at fault, e.g. "username" or "media.2.url". */
export const badUserInput = (field: string, message: string): GraphQLError =>
  userError('BAD_USER_INPUT', message, { field });

export const SERVICE_UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable. Try again shortly.';

/**
 * The database cannot be used right now (see isDatabaseUnavailable). Not a contract code for
 * services to throw: the server maps such failures to it wherever they surface, and answers
 * HTTP 503 when it happens before execution.
 */
export const serviceUnavailable = (cause: unknown): GraphQLError =>
  new GraphQLError(SERVICE_UNAVAILABLE_MESSAGE, {
    originalError: cause instanceof Error ? cause : undefined,
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
  });

export const rateLimited = (retryAfterSeconds: number): GraphQLError =>
  userError('RATE_LIMITED', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, {
    retryAfterSeconds,
  });
