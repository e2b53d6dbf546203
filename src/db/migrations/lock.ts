import type { MigrationConnection } from './connection';
import { MigrationError } from './errors';

/** The key Prisma's schema engine locks, so our runner and `prisma migrate` exclude each other. */
export const ADVISORY_LOCK_KEY = 72707369;

/** Prisma gives up on the lock after 10 s too. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

const POLL_MS = 100;

/**
 * Runs `fn` while holding the session-level advisory lock. Polls pg_try_advisory_lock
 * rather than blocking in pg_advisory_lock, so the wait has a limit without changing the
 * session's lock_timeout (the PGlite session is the app's own).
 */
export async function withAdvisoryLock<T>(
  conn: MigrationConnection,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  await acquire(conn, timeoutMs);
  try {
    return await fn();
  } finally {
    // Closing a pg.Client would release it anyway; the shared PGlite session would not.
    await conn.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
  }
}

async function acquire(conn: MigrationConnection, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await conn.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      ADVISORY_LOCK_KEY,
    ]);
    if (row?.locked) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        `Timed out after ${timeoutMs} ms waiting for the migration lock (pg_advisory_lock(${ADVISORY_LOCK_KEY})): ` +
          'another process is migrating this database.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const queues = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `fn` after any earlier call for the same key has settled. Advisory locks are
 * re-entrant within a session, and PGlite has only one, so two migrate() calls on one
 * embedded database would otherwise both get the lock.
 */
export function serialize<T>(key: object, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(fn);
  queues.set(key, next);
  return next;
}
