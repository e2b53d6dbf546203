import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * One dedicated database session for migrations. It must be a single session, not a
 * pool: `pg_advisory_lock` belongs to the session that took it, and a script must run
 * where the lock is held.
 */
export interface MigrationConnection {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script (simple query protocol, like Prisma's engine). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/** PGlite has a single session, shared with the app: closing is the app's job. */
export function pgliteMigrationConnection(pglite: PGlite): MigrationConnection {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const result = await pglite.query<T>(sql, params);
      return result.rows;
    },
    async exec(script: string) {
      // Awaited on purpose: pglite-prisma-adapter's executeScript drops this promise, so
      // a failing script looks applied.
      await pglite.exec(script);
    },
    async close() {},
  };
}

/** A dedicated pg.Client (not from the app's pool), closed after migrating. */
export async function pgMigrationConnection(config: pg.ClientConfig): Promise<MigrationConnection> {
  // No statement timeout: an index build or a backfill may rightly outlast the app's
  // per-query limit, and Prisma's own engine sets none either.
  const client = new pg.Client({
    ...config,
    statement_timeout: undefined,
    idle_in_transaction_session_timeout: undefined,
  });
  // A dropped connection also fails the pending query; the listener only keeps an idle
  // 'error' event from crashing the process.
  client.on('error', () => {});
  await client.connect();
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
    async exec(script: string) {
      // Without parameters pg uses the simple query protocol, so a multi-statement
      // script runs in one round trip as one implicit transaction, as with Prisma.
      await client.query(script);
    },
    close: () => client.end(),
  };
}
