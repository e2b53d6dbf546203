import type { Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrations';
import type { TestApp } from '../support/app';
import { createPost, photo, signUpMany, type TestUser } from '../support/scenario';
import {
  describeOnPostgres,
  eventually,
  LEAK_PATTERN,
  openFromSettings,
  PostgresServer,
  readyStatus,
  startAppOver,
} from './support';

/**
 * PostgreSQL goes away under load and comes back. The server never crashes and is never
 * restarted: while the database is down every request fails fast with SERVICE_UNAVAILABLE
 * (no SQL, no stack) and /readyz says 503; once it is back, requests succeed again by
 * themselves. Afterwards every write the API acknowledged is in the database, nothing is
 * half-written (no post without its media) and every trigger-kept counter matches its rows.
 *
 * The test runs its own PostgreSQL on a free port, since it stops and restarts it.
 */
const CONNECT_TIMEOUT_MS = 1_000;

const describePg = describeOnPostgres('test/faults/postgres-restart.test.ts', { binaries: true });

interface Ledger {
  posts: Set<string>;
  likes: Set<string>; // `${userId}|${postId}`
  comments: Set<string>;
  knownPosts: string[];
  errorCodes: Map<string, number>;
  leaks: string[];
  noResponse: number;
  /** the slowest failed request, in ms: a failure must be fast, not a hang */
  slowestFailure: number;
  /** successes since the ledger was last asked */
  okSinceMark: number;
}

const newLedger = (): Ledger => ({
  posts: new Set(),
  likes: new Set(),
  comments: new Set(),
  knownPosts: [],
  errorCodes: new Map(),
  leaks: [],
  noResponse: 0,
  slowestFailure: 0,
  okSinceMark: 0,
});

const CREATE_POST = `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`;
const LIKE_POST = `mutation ($id: ID!) { likePost(postId: $id) { id likeCount } }`;
const ADD_COMMENT = `mutation ($input: AddCommentInput!) { addComment(input: $input) { id } }`;

/** One client hammering the API: create a post (2 photos), like a post, comment on a post. */
async function worker(app: TestApp, user: TestUser, ledger: Ledger, running: () => boolean): Promise<void> {
  for (let n = 0; running(); n += 1) {
    const target = ledger.knownPosts[Math.floor(Math.random() * ledger.knownPosts.length)]!;
    const started = Date.now();
    let res;
    try {
      if (n % 3 === 0) {
        res = await app.gql(
          CREATE_POST,
          { input: { caption: `load ${user.username} ${n}`, media: [photo(1), photo(2)] } },
          { token: user.token },
        );
        if (!res.errors) {
          ledger.posts.add(res.data.createPost.id);
          ledger.knownPosts.push(res.data.createPost.id);
        }
      } else if (n % 3 === 1) {
        res = await app.gql(LIKE_POST, { id: target }, { token: user.token });
        if (!res.errors) ledger.likes.add(`${user.id}|${target}`);
      } else {
        res = await app.gql(ADD_COMMENT, { input: { postId: target, body: `c${n}` } }, { token: user.token });
        if (!res.errors) ledger.comments.add(res.data.addComment.id);
      }
    } catch {
      ledger.noResponse += 1;
      continue;
    }
    if (!res.errors) {
      ledger.okSinceMark += 1;
      continue;
    }
    ledger.slowestFailure = Math.max(ledger.slowestFailure, Date.now() - started);
    for (const error of res.errors) {
      const code = String(error.extensions?.code);
      ledger.errorCodes.set(code, (ledger.errorCodes.get(code) ?? 0) + 1);
    }
    if (LEAK_PATTERN.test(res.text)) ledger.leaks.push(res.text);
    await new Promise((r) => setTimeout(r, 10)); // a client backs off a little after a failure
  }
}

/** Resolves once the API has served `count` successful writes since now. */
async function writesSucceed(ledger: Ledger, count = 10): Promise<void> {
  ledger.okSinceMark = 0;
  await eventually(async () => ledger.okSinceMark >= count, `${count} successful writes`);
}

const dbId = (globalId: string): bigint =>
  BigInt(Buffer.from(globalId, 'base64url').toString().split(':')[1]!);

describePg('PostgreSQL stopped and restarted under load', () => {
  let pg: PostgresServer;
  let db: Database;
  let app: TestApp;
  const poolErrors: Error[] = [];

  beforeAll(async () => {
    pg = await PostgresServer.start();
    db = await openFromSettings(
      pg.url,
      { DATABASE_POOL_SIZE: '10', DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) },
      (err) => poolErrors.push(err),
    );
    await migrate(db);
    app = await startAppOver(db);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await db?.close();
    await pg?.destroy();
  });

  it('fails fast and cleanly while down, recovers by itself, and loses or half-writes nothing', async () => {
    const users = await signUpMany(app, 4);
    const ledger = newLedger();
    for (const user of users) ledger.knownPosts.push(await createPost(app, user));

    let load = true;
    const workers = users.flatMap((user) => [0, 1].map(() => worker(app, user, ledger, () => load)));
    try {
      await writesSucceed(ledger);

      // A crash-like stop (no goodbye to clients), then a wait with the database gone.
      await pg.stop('immediate');
      ledger.slowestFailure = 0;
      await eventually(async () => (await readyStatus(app)) === 503, '/readyz to say 503');
      const failedWhileDown = () => ledger.errorCodes.get('SERVICE_UNAVAILABLE') ?? 0;
      const before = failedWhileDown();
      await eventually(async () => failedWhileDown() >= before + 20, 'requests to fail while down');
      expect(ledger.slowestFailure).toBeLessThan(CONNECT_TIMEOUT_MS + 4_000); // fast, not a hang

      // Back: the same server instance serves again, with no restart.
      await pg.startAgain();
      await eventually(async () => (await readyStatus(app)) === 200, '/readyz to say 200 again');
      await writesSucceed(ledger);

      // A fast restart (PostgreSQL terminates every session) in the middle of the load.
      await pg.restart('fast');
      await writesSucceed(ledger);
      expect(await readyStatus(app)).toBe(200);
    } finally {
      load = false;
      await Promise.all(workers);
    }

    // Clean failures only: the one code, nothing leaked, every request answered.
    expect([...ledger.errorCodes.keys()]).toEqual(['SERVICE_UNAVAILABLE']);
    expect(ledger.leaks).toEqual([]);
    expect(ledger.noResponse).toBe(0);
    expect(poolErrors.length).toBeGreaterThan(0); // dropped idle connections were reported, not fatal

    // Every acknowledged write is there.
    const postIds = [...ledger.posts].map(dbId);
    const foundPosts = await db.prisma.post.count({ where: { id: { in: postIds } } });
    expect(foundPosts).toBe(postIds.length);
    const commentIds = [...ledger.comments].map(dbId);
    expect(await db.prisma.comment.count({ where: { id: { in: commentIds } } })).toBe(commentIds.length);
    for (const like of ledger.likes) {
      const [userId, postId] = like.split('|') as [string, string];
      const row = await db.prisma.like.findUnique({
        where: { userId_postId: { userId: dbId(userId), postId: dbId(postId) } },
      });
      expect(row).not.toBeNull();
    }

    // Nothing half-written, and every counter matches its rows.
    const [check] = await db.prisma.$queryRaw<Record<string, number>[]>`
      SELECT
        (SELECT count(*)::int FROM posts p
          WHERE (SELECT count(*) FROM post_media m WHERE m.post_id = p.id) <> 2
            AND p.caption LIKE 'load %') AS posts_without_both_photos,
        (SELECT count(*)::int FROM users u
          WHERE u.post_count <> (SELECT count(*) FROM posts p WHERE p.author_id = u.id)) AS bad_post_counts,
        (SELECT count(*)::int FROM posts p
          WHERE p.like_count <> (SELECT count(*) FROM likes l WHERE l.post_id = p.id)) AS bad_like_counts,
        (SELECT count(*)::int FROM posts p
          WHERE p.comment_count <> (SELECT count(*) FROM comments c WHERE c.post_id = p.id)) AS bad_comment_counts`;
    expect(check).toEqual({
      posts_without_both_photos: 0,
      bad_post_counts: 0,
      bad_like_counts: 0,
      bad_comment_counts: 0,
    });
    expect(ledger.posts.size).toBeGreaterThan(10);
  }, 120_000);
});
