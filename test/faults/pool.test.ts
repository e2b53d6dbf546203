import type { Database } from '../../src/db/database';
import type { TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signUpMany } from '../support/scenario';
import {
  codesOrNoResponse,
  describeOnPostgres,
  eventually,
  LEAK_PATTERN,
  openFromSettings,
  readyStatus,
  startAppOver,
} from './support';

/**
 * The PostgreSQL pool under pressure, opened from settings exactly as main.ts opens it: the
 * acquire timeout bounds every wait for a connection, statement and idle-in-transaction
 * timeouts reach every session, and a connection the server drops is reported, never fatal.
 */
const describePg = describeOnPostgres('test/faults/pool.test.ts');

const EXPLORE = '{ explore(first: 1) { edges { node { id } } } }';
const CREATE_POST = `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`;
const newPost = (caption: string) => ({
  input: { caption, media: [{ url: 'https://cdn.example.com/a.jpg' }] },
});

describePg('the connection pool', () => {
  let base: TestDatabase; // owns this file's database and its fault triggers
  const opened: Database[] = [];
  const apps: TestApp[] = [];
  const poolErrors: Error[] = [];

  async function open(settings: Record<string, string>): Promise<Database> {
    const db = await openFromSettings(base.url!, settings, (err) => poolErrors.push(err));
    opened.push(db);
    return db;
  }
  async function serve(db: Database): Promise<TestApp> {
    const app = await startAppOver(db);
    apps.push(app);
    return app;
  }
  /** Makes inserts into `table` take `seconds` (a test-only trigger); returns the remover. */
  async function slowDown(table: string, seconds: number): Promise<() => Promise<void>> {
    await base.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION test_slow() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(${seconds}); RETURN NEW; END $$`);
    await base.prisma.$executeRawUnsafe(
      `CREATE TRIGGER test_slow BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION test_slow()`,
    );
    return async () => {
      await base.prisma.$executeRawUnsafe(`DROP TRIGGER test_slow ON ${table}`);
    };
  }
  const sleepingSessions = async () => {
    const [row] = await base.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event = 'PgSleep'`;
    return row!.n;
  };

  beforeAll(async () => {
    base = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await Promise.all(opened.splice(0).map((db) => db.close()));
    poolErrors.length = 0;
  });
  afterAll(async () => {
    await base?.close();
  });

  it('gives every session the configured statement and idle-in-transaction timeouts', async () => {
    const db = await open({
      DATABASE_STATEMENT_TIMEOUT_MS: '1234',
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '2345',
    });
    const [row] = await db.prisma.$queryRaw<{ statement: string; idle: string }[]>`
      SELECT current_setting('statement_timeout') AS statement,
             current_setting('idle_in_transaction_session_timeout') AS idle`;
    expect(row).toEqual({ statement: '1234ms', idle: '2345ms' });
  });

  it('with every connection busy, extra requests fail within the acquire timeout; then all is well', async () => {
    const db = await open({ DATABASE_POOL_SIZE: '3', DATABASE_CONNECT_TIMEOUT_MS: '700' });
    const app = await serve(db);
    const users = await signUpMany(app, 3);
    const restore = await slowDown('posts', 4);

    // Three slow writes hold all three connections...
    const slow = users.map((user, i) => app.gql(CREATE_POST, newPost(`slow ${i}`), { token: user.token }));
    await eventually(async () => (await sleepingSessions()) === 3, 'three sessions asleep in the trigger');

    // ...so these wait for a connection, and give up after the acquire timeout.
    const extra = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const started = Date.now();
        const res =
          i % 2 === 0
            ? await app.gql(EXPLORE)
            : await app.gql('{ viewer { id } }', {}, { token: users[i % 3]!.token });
        return { res, ms: Date.now() - started };
      }),
    );
    for (const { res, ms } of extra) {
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(res.text).not.toMatch(LEAK_PATTERN);
      expect(ms).toBeGreaterThanOrEqual(600);
      expect(ms).toBeLessThan(700 + 2_500); // generous for a loaded machine; the writes take 4 s
    }
    // Readiness has its own connection: a busy pool does not take the instance out of service.
    expect(await readyStatus(app)).toBe(200);

    // The slow ones were only slow.
    for (const res of await Promise.all(slow)) expect(res.errors).toBeUndefined();
    await restore();

    // Recovered: many requests at once all succeed (they queue for the three connections).
    const after = await Promise.all(Array.from({ length: 12 }, () => codesOrNoResponse(app.gql(EXPLORE))));
    expect(after.flat()).toEqual([]);
    expect(poolErrors).toEqual([]);
  });

  it('cancels a statement over the statement timeout and rolls its write back', async () => {
    const db = await open({ DATABASE_STATEMENT_TIMEOUT_MS: '1000' });
    const app = await serve(db);
    const [user] = await signUpMany(app, 1);
    const restore = await slowDown('post_media', 5);
    const started = Date.now();
    const res = await app.gql(CREATE_POST, newPost('too slow'), { token: user!.token });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(Date.now() - started).toBeLessThan(4_000);
    await restore();
    expect(await base.prisma.post.count({ where: { caption: 'too slow' } })).toBe(0);
    expect((await app.gql(CREATE_POST, newPost('fine'), { token: user!.token })).errors).toBeUndefined();
  });

  it('ends a transaction left idle, rolls it back and replaces its connection', async () => {
    const db = await open({ DATABASE_POOL_SIZE: '1', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '300' });
    const stalled = db.prisma.$transaction(
      async (tx) => {
        await tx.user.create({
          data: { username: 'stalled', email: 'stalled@example.com', passwordHash: 'x', displayName: 'x' },
        });
        await new Promise((r) => setTimeout(r, 1_000)); // the request hangs mid-transaction
        return tx.user.count();
      },
      { timeout: 10_000 },
    );
    await expect(stalled).rejects.toThrow();
    expect(await base.prisma.user.count({ where: { username: 'stalled' } })).toBe(0);
    expect(await db.prisma.user.count({ where: { username: 'stalled' } })).toBe(0); // the one connection works
  });

  it('reports a connection the server drops instead of crashing, and carries on', async () => {
    const db = await open({ DATABASE_POOL_SIZE: '2' });
    await Promise.all([
      db.prisma.$queryRaw`SELECT pg_sleep(0.1)::text`,
      db.prisma.$queryRaw`SELECT pg_sleep(0.1)::text`,
    ]);
    // Both pooled connections now sit idle; the server kills every session but this one.
    await base.prisma.$queryRaw`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`;
    // Each pooled connection hears of its end on its own; wait for both to be reported.
    await eventually(async () => poolErrors.length >= 2, 'the pool to report both dropped connections');
    await expect(db.prisma.user.count()).resolves.toEqual(expect.any(Number));
    await expect(db.ping()).resolves.toBeUndefined();
  });
});
