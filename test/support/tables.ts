import type { TestDatabase } from './database';

/**
 * A fingerprint of every application table's rows: equal before and after a request means the
 * request changed nothing at all.
 */
export async function tablesFingerprint(db: TestDatabase): Promise<Record<string, string>> {
  const tables = await db.prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
      ORDER BY table_name`,
  );
  const fingerprint: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await db.prisma.$queryRawUnsafe<{ digest: string }[]>(
      `SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM "${name}" t`,
    );
    fingerprint[name] = row!.digest;
  }
  return fingerprint;
}
