import { isDriverAdapterError } from '@prisma/driver-adapter-utils';
import { Prisma } from '../generated/prisma/client';

/**
 * For a unique-constraint violation (Prisma P2002), the names of the columns or constraint
 * involved, as text; null for any other error. Driver adapters report the constraint in
 * different places of `meta`, so we search all of it.
 */
export function uniqueViolation(error: unknown): string | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return null;
  return JSON.stringify(error.meta ?? {});
}

/**
 * True for errors worth retrying a transaction for: serialization failure (40001) or deadlock
 * (40P01). Prisma reports them as P2034 from model queries; raw queries (P2010) and the PGlite
 * adapter, which maps only 40001, carry the SQLSTATE in the driver adapter's error instead.
 */
export function isTransientConflict(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2034') return true;
  const cause = adapterCause(error);
  return cause?.kind === 'TransactionWriteConflict' || CONFLICT_STATES.has(String(cause?.originalCode));
}

const CONFLICT_STATES = new Set(['40001', '40P01']);

/**
 * True for a foreign-key violation: the row referred to (e.g. the post being liked or
 * commented on) was deleted concurrently. Model queries report P2003; raw queries (P2010) carry
 * the SQLSTATE (23503) in the driver adapter's error.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2003') return true;
  const cause = adapterCause(error);
  return cause?.kind === 'ForeignKeyConstraintViolation' || String(cause?.originalCode) === '23503';
}

// Prisma's codes for "no usable connection": can't reach (P1001), timed out reaching (P1002),
// socket timeout (P1008), connection closed (P1017), pool timeout (P2024), too many (P2037),
// and an interactive transaction that could not go on (P2028: not started within maxWait, or
// expired or gone while its statements waited for a database that went away). Prisma rolls
// such a transaction back, so none of it was written.
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2037']);
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
// PostgreSQL going down or not up yet: admin/crash shutdown, "starting up", too many clients.
const UNAVAILABLE_SQL_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// node-postgres throws these as plain Errors without a code.
const UNAVAILABLE_PG_MESSAGES = [
  'timeout exceeded when trying to connect', // pool acquire timeout
  'Connection terminated', // "... unexpectedly", "... due to connection timeout"
  'connection error and is not queryable',
  'Client was closed and is not queryable',
  'Unable to start a transaction in the given time', // Prisma's maxWait (P2028)
];

/**
 * True when an error means the database cannot be used right now (down, restarting,
 * unreachable, or no pooled connection free within the acquire timeout), as opposed to a
 * fault in the query itself. Such failures are answered with SERVICE_UNAVAILABLE: the client
 * may retry, and nothing of the failed operation was committed. Looks through GraphQL's
 * `originalError` and `cause` chains, as the error usually arrives wrapped.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (unavailableHere(current)) return true;
    const next: unknown = (current as { originalError?: unknown }).originalError ?? current.cause;
    current = next;
  }
  return false;
}

function unavailableHere(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
    if (UNAVAILABLE_SQL_STATES.has(code) || code.startsWith('08')) return true; // 08: connection exception
  }
  const cause = adapterCause(error);
  if (cause) {
    if (cause.kind !== undefined && UNAVAILABLE_ADAPTER_KINDS.has(cause.kind)) return true;
    const state = String(cause.originalCode ?? '');
    if (UNAVAILABLE_SQL_STATES.has(state) || state.startsWith('08')) return true;
  }
  return UNAVAILABLE_PG_MESSAGES.some((text) => error.message.includes(text));
}

interface AdapterCause {
  kind?: string;
  originalCode?: unknown;
}

/**
 * What the driver adapter reported: Prisma keeps it in `meta.driverAdapterError` of its own
 * error, but some failures (a COMMIT on a connection that died) reach us as the adapter's bare
 * DriverAdapterError instead; every classifier here reads both.
 */
function adapterCause(error: unknown): AdapterCause | undefined {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const adapterError = (error.meta as { driverAdapterError?: { cause?: AdapterCause } } | undefined)
      ?.driverAdapterError;
    return adapterError?.cause;
  }
  return error instanceof Error && isDriverAdapterError(error) ? (error.cause as AdapterCause) : undefined;
}
