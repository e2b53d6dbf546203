import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrations';

/**
 * Tests run against a real database: an in-memory PGlite by default, or, when the
 * environment gives DATABASE_URL (as CI does), a fresh PostgreSQL database created for
 * this test file and dropped afterwards, so parallel test files never share state.
 */
export const usingPostgres = Boolean(process.env.DATABASE_URL);

export interface TestDatabase extends Database {
  /** Set for PostgreSQL: the URL of this file's own database. */
  readonly url?: string;
  /** Empties every table (keeps the migration history). */
  reset(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database with nothing in it, not even migrations. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  if (!usingPostgres) {
    const db = await openDatabase({ kind: 'embedded', dataDir: null });
    return { ...db, reset: () => truncateAll(db), close: db.close };
  }
  const name = `shutter_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withDatabaseName(process.env.DATABASE_URL!, name);
  const db = await openDatabase({
    kind: 'postgres',
    url,
    poolSize: 10,
    connectTimeoutMs: 5_000,
    statementTimeoutMs: 30_000,
  });
  return {
    ...db,
    url,
    reset: () => truncateAll(db),
    close: async () => {
      await db.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A migrated, empty database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const db = await createEmptyDatabase();
  await migrate(db);
  return db;
}

async function truncateAll(db: Database): Promise<void> {
  const tables = await db.prisma.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (tables.length === 0) return;
  const list = tables.map((t) => `"${t.tablename}"`).join(', ');
  await db.prisma.$executeRawUnsafe(`TRUNCATE ${list} RESTART IDENTITY CASCADE`);
}
