import { randomUUID } from 'node:crypto';
import type { MigrationConnection } from './connection';
import { MigrationError } from './errors';

/** Prisma's own DDL (schema engine, PostgreSQL flavour), byte for byte. */
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

export interface MigrationRecord {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/**
 * Creates the history table on first use. Like Prisma, refuses a database that already
 * has tables but no history: it was not made by these migrations, and needs baselining.
 */
export async function ensureHistoryTable(conn: MigrationConnection): Promise<void> {
  const [found] = await conn.query<{ exists: boolean }>(
    `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS "exists"`,
  );
  if (found?.exists) return;
  const tables = await conn.query<{ tablename: string }>(
    'SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename',
  );
  if (tables.length > 0) {
    throw new MigrationError(
      `The database schema is not empty (tables: ${tables.map((t) => t.tablename).join(', ')}) ` +
        'but has no _prisma_migrations table, so these migrations did not create it. ' +
        'Baseline it first: https://pris.ly/d/migrate-baseline',
    );
  }
  await conn.exec(CREATE_MIGRATIONS_TABLE);
}

export function listRecords(conn: MigrationConnection): Promise<MigrationRecord[]> {
  return conn.query<MigrationRecord>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
     FROM _prisma_migrations ORDER BY started_at ASC`,
  );
}

/** Returns the new row's id. As in Prisma: no finished_at, applied_steps_count 0, logs NULL. */
export async function recordStarted(
  conn: MigrationConnection,
  name: string,
  checksum: string,
): Promise<string> {
  const id = randomUUID();
  await conn.query(
    'INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)',
    [id, checksum, name],
  );
  return id;
}

export async function recordFinished(conn: MigrationConnection, id: string): Promise<void> {
  await conn.query(
    'UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = now() WHERE id = $1',
    [id],
  );
}

/** Leaves finished_at NULL: the row now blocks later runs until someone resolves it. */
export async function recordFailed(conn: MigrationConnection, id: string, logs: string): Promise<void> {
  await conn.query('UPDATE _prisma_migrations SET logs = $2 WHERE id = $1', [id, logs]);
}
