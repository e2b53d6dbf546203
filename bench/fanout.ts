/**
 * Fan-out benchmark (not a test): N subscribers who follow one author, one new post. Reports
 * the time until all N have it, p50/p99 per delivery, SQL statements per event and server
 * memory per connection. The server runs here; the clients run in bench/fanout-clients.ts.
 *
 *   npm run bench:fanout                 # N = 1000 and 5000, in-memory PGlite
 *   npm run bench:fanout -- 2000         # other sizes
 *   DATABASE_URL=postgresql://... npm run bench:fanout   # on PostgreSQL (a throwaway database)
 *   REDIS_URL=redis://... npm run bench:fanout           # events through Redis pub/sub
 *   BENCH_EVENTS=9 npm run bench:fanout  # events measured per size (default 5; the median is reported)
 *   BENCH_PROFILE=1 npm run bench:fanout # also write a CPU profile of the measured events (the last one's file stays)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { PasswordHasher } from '../src/security/passwords';
import { hashToken, newSessionToken } from '../src/auth/tokens';
import { parseConfig } from '../src/config';
import type { PrismaClient } from '../src/generated/prisma/client';
import { startApp, type RunningApp } from '../src/server/app';
import { createLogger } from '../src/server/logger';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import type { ClientCommand, ClientReport } from './fanout-clients';

const QUERY = `subscription { postCreated {
  id caption createdAt likeCount commentCount viewerHasLiked media { url width height }
  author { username displayName avatarUrl followerCount viewerIsFollowing followsViewer }
} }`;

const now = () => performance.timeOrigin + performance.now();
const gc = () => (global.gc ? global.gc() : undefined);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** Events measured per size (after one warm-up); the median one is reported. */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5);

/** The median event of a size, by the time until every subscriber had it. */
interface Result {
  n: number;
  allDeliveredMs: number;
  /** the fastest and slowest of the measured events */
  allDeliveredRangeMs: string;
  p50Ms: number;
  p99Ms: number;
  statementsPerEvent: number;
  /** CPU the server process spent on the measured event (user + system; PGlite runs in it too) */
  serverCpuMs: number;
  heapPerConnectionKiB: number;
  rssPerConnectionKiB: number;
  errors: number;
}

/** N users with a session each, who all follow `authorId`: rows written directly, no argon2. */
async function seedFollowers(
  prisma: PrismaClient,
  authorId: bigint,
  n: number,
  run: number,
): Promise<string[]> {
  const tokens: string[] = [];
  for (let from = 0; from < n; from += 1000) {
    const count = Math.min(1000, n - from);
    const users = await prisma.user.createManyAndReturn({
      data: Array.from({ length: count }, (_, i) => ({
        username: `bench_${run}_${from + i}`,
        email: `bench_${run}_${from + i}@example.com`,
        passwordHash: 'not-a-hash',
        displayName: `Bench ${from + i}`,
      })),
      select: { id: true },
    });
    const batch = users.map(() => newSessionToken());
    tokens.push(...batch);
    const expiresAt = new Date(Date.now() + 86_400_000);
    await prisma.session.createMany({
      data: users.map((u, i) => ({ userId: u.id, tokenHash: hashToken(batch[i]!), expiresAt })),
    });
    await prisma.follow.createMany({ data: users.map((u) => ({ followerId: u.id, followeeId: authorId })) });
  }
  return tokens;
}

async function createAuthor(prisma: PrismaClient): Promise<{ id: bigint; token: string }> {
  const author = await prisma.user.create({
    data: { username: 'bench_author', email: 'author@example.com', passwordHash: 'x', displayName: 'Author' },
  });
  const token = newSessionToken();
  await prisma.session.create({
    data: { userId: author.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return { id: author.id, token };
}

async function postAs(app: RunningApp, token: string): Promise<string> {
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `mutation { createPost(input: { caption: "fan-out", media: [{ url: "https://cdn.example.com/b.jpg" }] }) { id } }`,
    }),
  });
  const body = (await res.json()) as { data?: { createPost: { id: string } }; errors?: unknown };
  if (!body.data) throw new Error(`createPost failed: ${JSON.stringify(body.errors)}`);
  return body.data.createPost.id;
}

/** With BENCH_PROFILE=1, a CPU profile of the server during `fn`, in the temp directory. */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!process.env.BENCH_PROFILE) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // One event takes a few hundred milliseconds: the default 1 ms interval gives too few samples.
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const file = path.join(os.tmpdir(), `${name}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    console.log(`CPU profile of the server: ${file}`);
    session.disconnect();
  }
}

function untilSubscribers(app: RunningApp, count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => app.realtime.subscriberCount() === count && (stop(), resolve());
    const stop = app.realtime.onSubscriberCountChange(check);
    check();
  });
}

async function request<T extends ClientReport['type']>(
  child: ChildProcess,
  command: ClientCommand,
  expected: T,
): Promise<Extract<ClientReport, { type: T }>> {
  const reply = once(child, 'message') as Promise<[ClientReport]>;
  child.send(command);
  const [report] = await reply;
  if (report.type !== expected) throw new Error(`clients: ${JSON.stringify(report)}`);
  return report as Extract<ClientReport, { type: T }>;
}

/** One post, timed from the moment the mutation is sent to each delivery. */
async function deliverOnePost(app: RunningApp, child: ChildProcess, author: { token: string }, n: number) {
  const sentAt = now();
  const postId = await postAs(app, author.token);
  return request(child, { type: 'collect', postId, count: n, sentAt }, 'collected');
}

async function run(
  db: TestDatabase,
  app: RunningApp,
  author: { id: bigint; token: string },
  n: number,
  runNo: number,
) {
  const tokens = await seedFollowers(db.prisma, author.id, n, runNo);
  const mutationOnly = (await db.statements.capture(() => postAs(app, author.token))).statements.length;
  const child = fork(path.join(__dirname, 'fanout-clients.ts'), { execArgv: ['--import', 'tsx'] });
  gc();
  const before = process.memoryUsage();
  await request(
    child,
    { type: 'connect', url: app.url.replace(/^http/, 'ws'), tokens, query: QUERY },
    'connected',
  );
  await untilSubscribers(app, n);
  gc();
  const after = process.memoryUsage();

  await deliverOnePost(app, child, author, n); // warm-up: JIT, statement caches
  // One event is a few hundred milliseconds on a machine the client process shares: single
  // events differ by +-20%, so several are measured and the median one reported.
  const events: Omit<Result, 'heapPerConnectionKiB' | 'rssPerConnectionKiB' | 'allDeliveredRangeMs'>[] = [];
  for (let e = 0; e < EVENTS; e++) {
    const cpuBefore = process.cpuUsage();
    const { result, statements } = await db.statements.capture(() =>
      profiled(`fanout-${db.kind}-${n}`, () => deliverOnePost(app, child, author, n)),
    );
    const cpu = process.cpuUsage(cpuBefore);
    const sorted = [...result.latenciesMs].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    events.push({
      n,
      allDeliveredMs: Math.round(sorted[sorted.length - 1]!),
      p50Ms: Math.round(at(0.5)),
      p99Ms: Math.round(at(0.99)),
      statementsPerEvent: statements.length - mutationOnly,
      serverCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      errors: result.errors,
    });
  }
  child.send({ type: 'close' } satisfies ClientCommand);
  await once(child, 'exit');
  await untilSubscribers(app, 0);

  const byTime = [...events].sort((a, b) => a.allDeliveredMs - b.allDeliveredMs);
  const median = byTime[Math.floor(byTime.length / 2)]!;
  return {
    ...median,
    allDeliveredRangeMs: `${byTime[0]!.allDeliveredMs}-${byTime[byTime.length - 1]!.allDeliveredMs}`,
    errors: events.reduce((sum, event) => sum + event.errors, 0),
    heapPerConnectionKiB: Math.round(
      (after.heapUsed + after.external - before.heapUsed - before.external) / n / 1024,
    ),
    rssPerConnectionKiB: Math.round((after.rss - before.rss) / n / 1024),
  } satisfies Result;
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  if (!global.gc)
    console.warn('run with --expose-gc (npm run bench:fanout does) for steadier memory figures');
  const db = await createTestDatabase();
  const config = parseConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    WS_MAX_SOCKETS_PER_USER: '1',
    // events then travel through Redis pub/sub, as between several instances
    REDIS_URL: process.env.REDIS_URL,
  });
  const app = await startApp(
    {
      config,
      log: createLogger(config),
      prisma: db.prisma,
      passwords: PasswordHasher.fromConfig(config),
      ping: db.ping,
    },
    0,
    '127.0.0.1',
  );
  try {
    const author = await createAuthor(db.prisma);
    const results: Result[] = [];
    for (const [i, n] of (sizes.length > 0 ? sizes : [1000, 5000]).entries()) {
      results.push(await run(db, app, author, n, i));
    }
    console.log(
      `\nfan-out on ${db.kind === 'embedded' ? 'PGlite (in memory)' : 'PostgreSQL'}, pub/sub ${config.REDIS_URL ? 'Redis' : 'in process'}, node ${process.version}`,
    );
    console.table(results);
    console.log(`server RSS at the end: ${mib(process.memoryUsage().rss)} MiB`);
  } finally {
    await app.stop();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
