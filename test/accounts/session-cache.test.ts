import pino from 'pino';
import { createSessionCheck, openSession } from '../../src/auth/sessions';
import { createPubSub } from '../../src/realtime/pubsub';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The session check's cache against a real database: what it keeps, and that a revocation wins
 * over it, including over a check that was reading while the revocation happened.
 */
let db: TestDatabase;
let userId: bigint;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.reset();
  const user = await db.prisma.user.create({
    data: { username: 'alice', email: 'alice@example.com', passwordHash: 'x', displayName: 'Alice' },
  });
  userId = user.id;
});

const pubsub = () => createPubSub({ REDIS_URL: undefined }, pino({ level: 'silent' }));
const bearer = (token: string) => `Bearer ${token}`;

it('keeps a checked session: a row deleted behind its back is only seen once revoked', async () => {
  const sessions = createSessionCheck(db.prisma, pubsub(), { ttlMs: 60_000 });
  const token = await openSession(db.prisma, userId, 1);
  expect(await sessions.viewerOf(bearer(token))).toMatchObject({ id: userId });
  await db.prisma.session.deleteMany({});
  // kept: no statement spent on this token
  expect(await sessions.viewerOf(bearer(token))).toMatchObject({ id: userId });
  await sessions.revoked(userId);
  expect(await sessions.viewerOf(bearer(token))).toBe('refused');
});

it('keeps nothing with a zero lifetime', async () => {
  const sessions = createSessionCheck(db.prisma, pubsub(), { ttlMs: 0 });
  const token = await openSession(db.prisma, userId, 1);
  expect(await sessions.viewerOf(bearer(token))).toMatchObject({ id: userId });
  await db.prisma.session.deleteMany({});
  expect(await sessions.viewerOf(bearer(token))).toBe('refused');
});

it('does not keep a check that read the session while it was being revoked', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let read!: () => void;
  const hasRead = new Promise<void>((resolve) => (read = resolve));
  // The real client, whose session lookup pauses after the row has been read.
  const slow = new Proxy(db.prisma, {
    get(target, property, receiver) {
      if (property !== 'session') return Reflect.get(target, property, receiver);
      return {
        findUnique: async (args: Parameters<PrismaClient['session']['findUnique']>[0]) => {
          const row = await target.session.findUnique(args);
          read();
          await held;
          return row;
        },
      };
    },
  }) as PrismaClient;
  const sessions = createSessionCheck(slow, pubsub(), { ttlMs: 60_000 });
  const token = await openSession(db.prisma, userId, 1);

  const during = sessions.viewerOf(bearer(token));
  await hasRead;
  await db.prisma.session.deleteMany({});
  await sessions.revoked(userId);
  release();
  // read before the revocation: answered as it was read, but not kept
  expect(await during).toMatchObject({ id: userId });
  expect(await sessions.viewerOf(bearer(token))).toBe('refused');
});

it('reads a kept check again in the background near the end of its lifetime, the request not waiting', async () => {
  let reads = 0;
  let held: Promise<void> | null = null;
  let release!: () => void;
  // The real client, counting session reads; a read can be held before it answers.
  const counting = new Proxy(db.prisma, {
    get(target, property, receiver) {
      if (property !== 'session') return Reflect.get(target, property, receiver);
      return {
        findUnique: async (args: Parameters<PrismaClient['session']['findUnique']>[0]) => {
          reads++;
          const row = await target.session.findUnique(args);
          await held;
          return row;
        },
      };
    },
  }) as PrismaClient;
  const ttlMs = 3_000;
  const sessions = createSessionCheck(counting, pubsub(), { ttlMs });
  const token = await openSession(db.prisma, userId, 1);
  expect(await sessions.viewerOf(bearer(token))).toMatchObject({ id: userId });
  expect(await sessions.viewerOf(bearer(token))).toMatchObject({ id: userId });
  expect(reads).toBe(1); // fresh: kept, not read again

  await new Promise((resolve) => setTimeout(resolve, ttlMs * 0.85));
  await db.prisma.session.deleteMany({}); // behind the cache's back
  held = new Promise<void>((resolve) => (release = resolve));
  const answered = await Promise.race([
    sessions.viewerOf(bearer(token)),
    new Promise((resolve) => setTimeout(() => resolve('waited for the read'), 1_000)),
  ]);
  // answered from the kept check while its background read is held
  expect(answered).toMatchObject({ id: userId });
  expect(reads).toBe(2);
  expect(await sessions.viewerOf(bearer(token))).toMatchObject({ id: userId }); // one read at a time
  expect(reads).toBe(2);
  release();
  // the background read found no row: the check is forgotten before its lifetime is over
  for (let i = 0; i < 50 && (await sessions.viewerOf(bearer(token))) !== 'refused'; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await sessions.viewerOf(bearer(token))).toBe('refused');
});

it('forgets the sessions of the revoked user only', async () => {
  const bob = await db.prisma.user.create({
    data: { username: 'bob', email: 'bob@example.com', passwordHash: 'x', displayName: 'Bob' },
  });
  const sessions = createSessionCheck(db.prisma, pubsub(), { ttlMs: 60_000 });
  const [alices, bobs] = [await openSession(db.prisma, userId, 1), await openSession(db.prisma, bob.id, 1)];
  await sessions.viewerOf(bearer(alices));
  await sessions.viewerOf(bearer(bobs));
  await db.prisma.session.deleteMany({});
  await sessions.revoked(userId);
  expect(await sessions.viewerOf(bearer(alices))).toBe('refused');
  expect(await sessions.viewerOf(bearer(bobs))).toMatchObject({ id: bob.id });
});
