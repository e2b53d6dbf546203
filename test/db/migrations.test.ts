import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultMigrationsDir, migrate, MigrationError } from '../../src/db/migrations';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '../support/database';

const migrationNames = fs
  .readdirSync(defaultMigrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

interface Row {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

async function historyRows(db: TestDatabase, name: string): Promise<Row[]> {
  return db.prisma.$queryRawUnsafe<Row[]>(
    'SELECT * FROM _prisma_migrations WHERE migration_name = $1 ORDER BY started_at',
    name,
  );
}

/** A scratch copy of the migrations folder, to edit and extend. */
function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-migrations-'));
  fs.cpSync(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, name: string, sql: string): void {
  fs.mkdirSync(path.join(dir, name));
  fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
}

describe('migrate', () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createEmptyDatabase();
    dir = copyMigrations();
  });
  afterAll(async () => {
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a fresh database gets every migration', async () => {
    const { applied } = await migrate(db);
    expect(applied).toEqual(migrationNames);
    const tables = await db.prisma.$queryRaw<{ tablename: string }[]>`
      SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
    expect(tables.map((t) => t.tablename)).toEqual([
      '_prisma_migrations',
      'blocks',
      'comment_mentions',
      'comments',
      'follow_requests',
      'follows',
      'hashtag_hours',
      'hashtags',
      'likes',
      'media_garbage',
      'media_sweeps',
      'mutes',
      'notification_actors',
      'notifications',
      'post_hashtags',
      'post_media',
      'post_mentions',
      'posts',
      'reports',
      'sessions',
      'uploads',
      'users',
    ]);
  });

  test('running again applies nothing', async () => {
    expect(await migrate(db)).toEqual({ applied: [] });
  });

  test('records each migration exactly as Prisma does', async () => {
    for (const name of migrationNames) {
      const rows = await historyRows(db, name);
      expect(rows).toHaveLength(1);
      const bytes = fs.readFileSync(path.join(defaultMigrationsDir, name, 'migration.sql'));
      expect(rows[0]).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        checksum: createHash('sha256').update(bytes).digest('hex'),
        finished_at: expect.any(Date),
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
      });
    }
  });

  test('creates _prisma_migrations with Prisma’s column types', async () => {
    const columns = await db.prisma.$queryRaw<unknown[]>`
      SELECT column_name, data_type, character_maximum_length::int AS length, is_nullable, column_default
      FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`;
    expect(columns).toEqual([
      col('id', 'character varying', 36, 'NO'),
      col('checksum', 'character varying', 64, 'NO'),
      col('finished_at', 'timestamp with time zone', null, 'YES'),
      col('migration_name', 'character varying', 255, 'NO'),
      col('logs', 'text', null, 'YES'),
      col('rolled_back_at', 'timestamp with time zone', null, 'YES'),
      col('started_at', 'timestamp with time zone', null, 'NO', 'now()'),
      col('applied_steps_count', 'integer', null, 'NO', '0'),
    ]);
    const [pk] = await db.prisma.$queryRaw<{ column: string }[]>`
      SELECT a.attname AS column FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = '_prisma_migrations'::regclass AND i.indisprimary`;
    expect(pk?.column).toBe('id');
  });

  test('warns about an applied migration missing from the folder', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-migrations-'));
    const log = jest.fn();
    try {
      expect(await migrate(db, { migrationsDir: empty, log })).toEqual({ applied: [] });
    } finally {
      fs.rmSync(empty, { recursive: true });
    }
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining(`${migrationNames[0]} is applied to the database but missing`),
    );
  });

  test('refuses an applied migration that was edited afterwards', async () => {
    const file = path.join(dir, migrationNames[0]!, 'migration.sql');
    const original = fs.readFileSync(file);
    fs.appendFileSync(file, '\n-- an afterthought\n');
    try {
      const error = await migrate(db, { migrationsDir: dir }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain(migrationNames[0]);
      expect((error as Error).message).toContain('modified after being applied');
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  test('a failing migration is recorded as failed and blocks later runs', async () => {
    const name = '29990101000000_broken';
    addMigration(dir, name, 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n');

    const error = await migrate(db, { migrationsDir: dir }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain('no_such_table');

    const [row] = await historyRows(db, name);
    expect(row).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
    expect(row?.logs).toContain('no_such_table');
    // One script, one implicit transaction: nothing of it stays behind.
    const [leftover] = await db.prisma.$queryRaw<{ found: boolean }[]>`
      SELECT to_regclass('half_done') IS NOT NULL AS found`;
    expect(leftover?.found).toBe(false);

    // Fixing the file is not enough: someone must resolve the failed row first.
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), 'CREATE TABLE half_done (id int);\n');
    const blocked = await migrate(db, { migrationsDir: dir }).catch((err: unknown) => err);
    expect(blocked).toBeInstanceOf(MigrationError);
    expect((blocked as Error).message).toMatch(new RegExp(`\`${name}\` migration started at .* failed`));

    // Resolved (as `prisma migrate resolve --rolled-back` does): it is applied again.
    await db.prisma.$executeRawUnsafe(
      'UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1',
      name,
    );
    expect(await migrate(db, { migrationsDir: dir })).toEqual({ applied: [name] });
    const rows = await historyRows(db, name);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ finished_at: expect.any(Date), applied_steps_count: 1, logs: null });
  });

  test('concurrent runs apply a migration once', async () => {
    const name = '29990101000001_concurrent';
    addMigration(dir, name, 'CREATE TABLE applied_once (id int);\n');
    const results = await Promise.all([
      migrate(db, { migrationsDir: dir }),
      migrate(db, { migrationsDir: dir }),
    ]);
    expect(results.flatMap((r) => r.applied)).toEqual([name]);
    expect(await historyRows(db, name)).toHaveLength(1);
  });
});

/**
 * Checksums that differ from the file's SHA-256 yet describe the same migration, as Prisma
 * judges them: a database that `prisma migrate deploy` accepts must not be refused here.
 */
describe('checksums recorded elsewhere', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());
  afterEach(() => recordChecksums((script) => sha256(script).toString('hex')));

  const sha256 = (script: Buffer | string) => createHash('sha256').update(script).digest();

  /** Rewrites each applied migration's recorded checksum, computed from its file. */
  async function recordChecksums(checksumOf: (script: Buffer) => string): Promise<string[]> {
    const checksums = [];
    for (const name of migrationNames) {
      const checksum = checksumOf(fs.readFileSync(path.join(defaultMigrationsDir, name, 'migration.sql')));
      await db.prisma.$executeRawUnsafe(
        'UPDATE _prisma_migrations SET checksum = $1 WHERE migration_name = $2',
        checksum,
        name,
      );
      checksums.push(checksum);
    }
    return checksums;
  }

  test('accepts migration files checked out with CRLF line endings', async () => {
    const dir = copyMigrations();
    try {
      for (const name of migrationNames) {
        const file = path.join(dir, name, 'migration.sql');
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
      }
      expect(await migrate(db, { migrationsDir: dir })).toEqual({ applied: [] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('accepts checksums recorded from a CRLF checkout', async () => {
    await recordChecksums((script) => sha256(script.toString('utf8').replace(/\n/g, '\r\n')).toString('hex'));
    expect(await migrate(db)).toEqual({ applied: [] });
  });

  test('accepts the unpadded checksums older Prisma versions recorded', async () => {
    // each byte in hex without its leading zero: 0x0a became "a"
    const checksums = await recordChecksums((script) =>
      [...sha256(script)].map((byte) => byte.toString(16)).join(''),
    );
    expect(checksums.some((checksum) => checksum.length < 64)).toBe(true); // else this proves nothing
    expect(await migrate(db)).toEqual({ applied: [] });
  });
});

function col(
  name: string,
  type: string,
  length: number | null,
  nullable: string,
  fallback: string | null = null,
) {
  return { column_name: name, data_type: type, length, is_nullable: nullable, column_default: fallback };
}

describe('counter triggers', () => {
  let db: TestDatabase;
  let seq = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());
  beforeEach(() => db.reset());

  const user = () => {
    const n = ++seq;
    return db.prisma.user.create({
      data: {
        username: `user${n}`,
        email: `user${n}@example.com`,
        passwordHash: 'x',
        displayName: `User ${n}`,
      },
    });
  };
  const post = (authorId: bigint) => db.prisma.post.create({ data: { authorId } });
  const counts = async (userId: bigint) =>
    db.prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { postCount: true, followerCount: true, followingCount: true },
    });
  const postCounts = (postId: bigint) =>
    db.prisma.post.findUniqueOrThrow({
      where: { id: postId },
      select: { likeCount: true, commentCount: true },
    });

  /** Every counter in the database equals a fresh count of its rows. */
  async function expectAllCountersExact(): Promise<void> {
    const wrong = await db.prisma.$queryRaw<unknown[]>`
      SELECT 'user' AS kind, u.id FROM users u WHERE
        u.post_count <> (SELECT count(*) FROM posts WHERE author_id = u.id) OR
        u.follower_count <> (SELECT count(*) FROM follows WHERE followee_id = u.id) OR
        u.following_count <> (SELECT count(*) FROM follows WHERE follower_id = u.id)
      UNION ALL
      SELECT 'post', p.id FROM posts p WHERE
        p.like_count <> (SELECT count(*) FROM likes WHERE post_id = p.id) OR
        p.comment_count <> (SELECT count(*) FROM comments WHERE post_id = p.id)`;
    expect(wrong).toEqual([]);
  }

  test('posts count towards their author', async () => {
    const a = await user();
    const [p1] = [await post(a.id), await post(a.id)];
    expect((await counts(a.id)).postCount).toBe(2);
    await db.prisma.post.delete({ where: { id: p1!.id } });
    expect((await counts(a.id)).postCount).toBe(1);
    await db.prisma.post.createMany({ data: [{ authorId: a.id }, { authorId: a.id }, { authorId: a.id }] });
    expect((await counts(a.id)).postCount).toBe(4);
    await db.prisma.post.deleteMany({ where: { authorId: a.id } });
    expect((await counts(a.id)).postCount).toBe(0);
  });

  test('follows count for both sides', async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    await db.prisma.follow.create({ data: { followerId: a.id, followeeId: b.id } });
    await db.prisma.follow.createMany({
      data: [
        { followerId: c.id, followeeId: b.id },
        { followerId: c.id, followeeId: a.id },
      ],
    });
    expect(await counts(b.id)).toEqual({ postCount: 0, followerCount: 2, followingCount: 0 });
    expect(await counts(c.id)).toEqual({ postCount: 0, followerCount: 0, followingCount: 2 });
    await db.prisma.follow.delete({
      where: { followerId_followeeId: { followerId: a.id, followeeId: b.id } },
    });
    expect(await counts(a.id)).toEqual({ postCount: 0, followerCount: 1, followingCount: 0 });
    expect(await counts(b.id)).toEqual({ postCount: 0, followerCount: 1, followingCount: 0 });
  });

  test('likes and comments count towards their post', async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    const p = await post(a.id);
    await db.prisma.like.create({ data: { userId: b.id, postId: p.id } });
    await db.prisma.like.create({ data: { userId: c.id, postId: p.id } });
    await db.prisma.comment.createMany({
      data: [
        { postId: p.id, authorId: b.id, body: 'one' },
        { postId: p.id, authorId: b.id, body: 'two' },
        { postId: p.id, authorId: c.id, body: 'three' },
      ],
    });
    expect(await postCounts(p.id)).toEqual({ likeCount: 2, commentCount: 3 });
    await db.prisma.like.delete({ where: { userId_postId: { userId: b.id, postId: p.id } } });
    await db.prisma.comment.deleteMany({ where: { authorId: b.id } });
    expect(await postCounts(p.id)).toEqual({ likeCount: 1, commentCount: 1 });
    await expectAllCountersExact();
  });

  test('deleting a post cascades cleanly and uncounts it', async () => {
    const [a, b] = [await user(), await user()];
    const p = await post(a.id);
    await db.prisma.like.create({ data: { userId: b.id, postId: p.id } });
    await db.prisma.comment.create({ data: { postId: p.id, authorId: b.id, body: 'hi' } });
    await db.prisma.post.delete({ where: { id: p.id } });
    expect((await counts(a.id)).postCount).toBe(0);
    expect(await db.prisma.like.count()).toBe(0);
    await expectAllCountersExact();
  });

  test('deleting a user uncounts everything it cascades to', async () => {
    const [gone, a, b] = [await user(), await user(), await user()];
    const [pa, pb, own] = [await post(a.id), await post(b.id), await post(gone.id)];
    await db.prisma.like.createMany({
      data: [
        { userId: gone.id, postId: pa.id },
        { userId: gone.id, postId: pb.id },
        { userId: gone.id, postId: own.id },
        { userId: a.id, postId: pb.id },
        { userId: a.id, postId: own.id },
      ],
    });
    await db.prisma.comment.createMany({
      data: [
        { postId: pa.id, authorId: gone.id, body: 'x' },
        { postId: pa.id, authorId: gone.id, body: 'y' },
        { postId: pa.id, authorId: b.id, body: 'z' },
        { postId: own.id, authorId: a.id, body: 'w' },
      ],
    });
    await db.prisma.follow.createMany({
      data: [
        { followerId: gone.id, followeeId: a.id },
        { followerId: gone.id, followeeId: b.id },
        { followerId: a.id, followeeId: gone.id },
        { followerId: b.id, followeeId: a.id },
      ],
    });
    await expectAllCountersExact();

    await db.prisma.user.delete({ where: { id: gone.id } });

    expect(await postCounts(pa.id)).toEqual({ likeCount: 0, commentCount: 1 });
    expect(await postCounts(pb.id)).toEqual({ likeCount: 1, commentCount: 0 });
    expect(await counts(a.id)).toEqual({ postCount: 1, followerCount: 1, followingCount: 0 });
    expect(await counts(b.id)).toEqual({ postCount: 1, followerCount: 0, followingCount: 1 });
    await expectAllCountersExact();
  });
});
