import type { Database } from '../../src/db/database';
import { statementNames } from '../../src/db/prepared';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeOnPostgres, openFromSettings } from '../faults/support';

const query = (sql: string) => ({ sql, args: [], argTypes: [] });

describe('statement names', () => {
  it('are one name per statement text, the same in every generator', () => {
    const name = statementNames();
    const feed = 'SELECT p.id FROM posts p WHERE p.author_id = $1 ORDER BY p.created_at DESC LIMIT $2';
    expect(name(query(feed))).toMatch(/^shutter_[\w-]{24}$/);
    expect(name(query(feed))).toBe(name(query(feed)));
    expect(statementNames()(query(feed))).toBe(name(query(feed)));
    expect(name(query('SELECT 1'))).not.toBe(name(query(feed)));
  });

  it('leave statements whose text grows with a list unnamed, and stop naming past the limit', () => {
    const name = statementNames(2);
    expect(name(query('SELECT * FROM users WHERE id IN ($1,$2,$3)'))).toBe('');
    for (const control of ['BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT s1', 'RELEASE SAVEPOINT s1'])
      expect(name(query(control))).toBe('');
    expect(name(query('SELECT * FROM users WHERE id IN (SELECT user_id FROM sessions)'))).not.toBe('');
    expect(name(query('SELECT 2'))).not.toBe('');
    expect(name(query('SELECT 3'))).toBe('');
    // the ones named before the limit keep their names
    expect(name(query('SELECT 2'))).not.toBe('');
  });
});

describeOnPostgres('test/db/prepared-statements.test.ts')('on PostgreSQL', () => {
  let base: TestDatabase;
  beforeAll(async () => {
    base = await createTestDatabase();
  });
  afterAll(() => base.close());

  /** The statements prepared on the only connection of a pool of one, after a few queries. */
  async function preparedAfterQueries(settings: Record<string, string>) {
    const db: Database = await openFromSettings(base.url!, { DATABASE_POOL_SIZE: '1', ...settings });
    try {
      const { statements: sent } = await db.statements.capture(async () => {
        for (let i = 0; i < 2; i++) {
          await db.prisma.user.findUnique({ where: { username: `nobody${i}` } });
          await db.prisma.user.findMany({ where: { id: { in: [1n, 2n, BigInt(3 + i)] } } });
          await db.prisma.$queryRaw`SELECT count(*) FROM posts WHERE author_id = ${BigInt(i)}`;
        }
      });
      // Prisma writes `in` as a list of parameters, one per value
      expect(sent.filter((sql) => sql.includes(' IN ($1,$2,$3)'))).toHaveLength(2);
      return await db.prisma.$queryRaw<{ name: string; statement: string }[]>`
        SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time`;
    } finally {
      await db.close();
    }
  }

  it('are prepared once per connection under their names, list queries excepted', async () => {
    const prepared = await preparedAfterQueries({});
    expect(prepared.every((p) => p.name.startsWith('shutter_'))).toBe(true);
    const texts = prepared.map((p) => p.statement);
    expect(texts.filter((sql) => sql.includes('"username"'))).toHaveLength(1);
    expect(texts.filter((sql) => sql.includes('FROM posts WHERE author_id'))).toHaveLength(1);
    expect(texts.filter((sql) => sql.includes(' IN ('))).toEqual([]);
  });

  it('survive a migration that adds a column while the server runs (a rolling deploy)', async () => {
    const db = await openFromSettings(base.url!, { DATABASE_POOL_SIZE: '1' });
    try {
      const read = () =>
        Promise.all([
          db.prisma.$queryRaw`SELECT p.id FROM (SELECT * FROM posts p WHERE p.author_id = ${1n}) p`,
          db.prisma.post.findMany({ where: { authorId: 1n } }),
        ]);
      for (let i = 0; i < 6; i++) await read(); // past the five runs before a generic plan
      // both are prepared on the pool's one connection, so the migration really hits them
      const prepared = await db.prisma.$queryRaw<{ statement: string }[]>`
        SELECT statement FROM pg_prepared_statements`;
      expect(
        prepared.filter((p) => /SELECT \* FROM posts p|FROM "public"."posts"/.test(p.statement)),
      ).toHaveLength(2);
      await db.prisma.$executeRawUnsafe('ALTER TABLE posts ADD COLUMN prepared_test_extra int');
      try {
        await expect(read()).resolves.toEqual([[], []]);
      } finally {
        await db.prisma.$executeRawUnsafe('ALTER TABLE posts DROP COLUMN prepared_test_extra');
      }
      await expect(read()).resolves.toEqual([[], []]);
    } finally {
      await db.close();
    }
  });

  it('are not prepared with DATABASE_PREPARED_STATEMENTS=false', async () => {
    expect(await preparedAfterQueries({ DATABASE_PREPARED_STATEMENTS: 'false' })).toEqual([]);
  });
});
