import type { TestDatabase } from './database';

/**
 * A digest of every application table, to show that a refused mutation wrote nothing.
 * No table is skipped: authenticating only reads sessions (it writes no last-used column),
 * and rate-limit counters live in memory or Redis, not in the database. A table that starts
 * changing on refused requests for a legitimate reason belongs in SKIPPED, with that reason.
 */
const SKIPPED = new Set<string>(['_prisma_migrations']);

export type Digests = Record<string, string>;

export async function applicationTables(db: TestDatabase): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  return rows.map((r) => r.tablename).filter((name) => !SKIPPED.has(name));
}

/** md5 of each table's rows in a stable order, in one statement. */
export async function digestTables(db: TestDatabase, tables: readonly string[]): Promise<Digests> {
  const columns = tables.map(
    (table) =>
      `(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM "${table}" t) AS "${table}"`,
  );
  const [row] = await db.prisma.$queryRawUnsafe<Digests[]>(`SELECT ${columns.join(', ')}`);
  return row!;
}

/** The tables whose digest differs. */
export const changedTables = (before: Digests, after: Digests): string[] =>
  Object.keys(before).filter((table) => before[table] !== after[table]);
