import type { Database } from '../database';
import { assertNoEditedMigrations, assertNoFailedMigrations, missingFromFolder } from './checks';
import type { MigrationConnection } from './connection';
import { MigrationError } from './errors';
import { defaultMigrationsDir, readMigrations, type MigrationFile } from './files';
import { ensureHistoryTable, listRecords, recordFailed, recordFinished, recordStarted } from './history';
import { DEFAULT_LOCK_TIMEOUT_MS, serialize, withAdvisoryLock } from './lock';

/** A Database, or anything else that can lend one dedicated session (tests, tools). */
export type Migratable = Pick<Database, 'migrationConnection'>;

export interface MigrateOptions {
  /** Default: <repo>/prisma/migrations. */
  migrationsDir?: string;
  log?: (msg: string) => void;
  /** How long to wait for another process's migration to finish. Default 10 s, as Prisma. */
  lockTimeoutMs?: number;
}

/**
 * Applies pending migrations the way `prisma migrate deploy` does, recording them in
 * `_prisma_migrations` so either tool can take over from the other. Stricter than
 * Prisma in one way: an applied migration whose file was edited is an error.
 */
export async function migrate(db: Migratable, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const files = readMigrations(options.migrationsDir ?? defaultMigrationsDir);
  const log = options.log ?? (() => {});
  return serialize(db, async () => {
    const conn = await db.migrationConnection();
    try {
      const timeout = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
      return await withAdvisoryLock(conn, timeout, () => applyPending(conn, files, log));
    } finally {
      await conn.close();
    }
  });
}

async function applyPending(
  conn: MigrationConnection,
  files: MigrationFile[],
  log: (msg: string) => void,
): Promise<{ applied: string[] }> {
  await ensureHistoryTable(conn);
  const records = await listRecords(conn);
  assertNoFailedMigrations(records);
  assertNoEditedMigrations(records, files);
  for (const name of missingFromFolder(records, files)) {
    log(`warning: migration ${name} is applied to the database but missing from the migrations folder`);
  }
  const done = new Set(records.filter((r) => r.rolled_back_at === null).map((r) => r.migration_name));
  const applied: string[] = [];
  for (const file of files.filter((f) => !done.has(f.name))) {
    log(`applying migration ${file.name}`);
    await applyOne(conn, file);
    applied.push(file.name);
  }
  return { applied };
}

/** One script, one implicit transaction (simple query protocol), as Prisma runs it. */
async function applyOne(conn: MigrationConnection, file: MigrationFile): Promise<void> {
  const id = await recordStarted(conn, file.name, file.checksum);
  try {
    await conn.exec(file.script);
  } catch (err) {
    // A script with its own BEGIN that failed midway leaves the session in an aborted
    // transaction; end it so the failure can be recorded (and the app's PGlite session
    // is usable). Outside a transaction ROLLBACK only warns.
    await conn.exec('ROLLBACK').catch(() => {});
    const logs = failureLogs(file.name, err);
    await recordFailed(conn, id, logs);
    throw new MigrationError(logs, { cause: err });
  }
  await recordFinished(conn, id);
}

/** Prisma's P3018 text, which is also what it stores in `logs`. */
function failureLogs(name: string, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return (
    'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
    'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
    `Migration name: ${name}\n\n` +
    (typeof code === 'string' ? `Database error code: ${code}\n\n` : '') +
    `Database error:\n${message}`
  );
}
