import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { isDatabaseUnavailable } from '../../src/db/errors';
import { migrate } from '../../src/db/migrations';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../support/database';

/**
 * Closing the database while a request is inside a transaction (a shutdown whose grace period
 * ran out): the open transaction ends as it would have, new work is refused as "unavailable",
 * and the close finishes. Prisma alone forgets the open transaction on disconnect and the
 * pool's (or PGlite's) close then waits for its connection forever. The last two cases hold the
 * waiting to its bound: a transaction that ends by failing or by Prisma's timeout lets the close
 * finish.
 */
interface Subject {
  /** the database that is closed under the transaction */
  db: Database;
  /** counts users by name prefix, after `db` has closed */
  usersNamed(prefix: string): Promise<number>;
  dispose(): Promise<void>;
}

async function embeddedSubject(): Promise<Subject> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-close-'));
  const db = await openDatabase({ kind: 'embedded', dataDir });
  await migrate(db);
  return {
    db,
    async usersNamed(prefix) {
      const reopened = await openDatabase({ kind: 'embedded', dataDir });
      try {
        return await reopened.prisma.user.count({ where: { username: { startsWith: prefix } } });
      } finally {
        await reopened.close();
      }
    },
    dispose: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function postgresSubject(): Promise<Subject> {
  const base: TestDatabase = await createTestDatabase();
  const db = await openDatabase({
    kind: 'postgres',
    url: base.url!,
    poolSize: 2,
    connectTimeoutMs: 5_000,
    statementTimeoutMs: 0,
  });
  return {
    db,
    usersNamed: (prefix) => base.prisma.user.count({ where: { username: { startsWith: prefix } } }),
    dispose: () => base.close(),
  };
}

const user = (username: string) => ({
  username,
  email: `${username}@example.com`,
  passwordHash: 'not a hash',
  displayName: username,
});

/** A promise with its resolve function, for holding a transaction open until the test says. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

type Tx = Parameters<Parameters<Database['prisma']['$transaction']>[0]>[0];

/**
 * A transaction that writes the user `first`, then waits for `release()` before it goes on with
 * `rest`: open, with a row written and not committed, when this resolves.
 */
async function openTransaction(
  db: Database,
  first: string,
  rest: (tx: Tx) => Promise<unknown>,
  options?: { timeout: number },
): Promise<{ transaction: Promise<unknown>; release: () => void }> {
  const inside = signal();
  const release = signal();
  const transaction = db.prisma.$transaction(async (tx) => {
    await tx.user.create({ data: user(first) });
    inside.resolve();
    await release.promise;
    await rest(tx);
  }, options);
  await inside.promise;
  return { transaction, release: release.resolve };
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const subjects: [string, () => Promise<Subject>][] = [['the embedded database', embeddedSubject]];
if (usingPostgres) subjects.push(['PostgreSQL', postgresSubject]);

describe.each(subjects)('closing %s with a transaction open', (_label, makeSubject) => {
  let subject: Subject;
  beforeEach(async () => {
    subject = await makeSubject();
  });
  afterEach(async () => {
    await subject.db.close();
    await subject.dispose();
  });

  it('lets the transaction commit, refuses new work meanwhile, then closes', async () => {
    const { db } = subject;
    const { transaction, release } = await openTransaction(db, 'close_a1', (tx) =>
      tx.user.create({ data: user('close_a2') }),
    );

    let closed = false;
    const closing = db.close().then(() => (closed = true));
    // a request that reaches the database now: a plain query, and a new transaction
    const query = await rejection(db.prisma.user.count());
    const another = await rejection(
      db.prisma.$transaction(async (tx) => tx.user.create({ data: user('close_b') })),
    );
    expect(isDatabaseUnavailable(query)).toBe(true);
    expect(isDatabaseUnavailable(another)).toBe(true);
    expect(closed).toBe(false);

    release();
    await transaction;
    await closing;
    expect(await subject.usersNamed('close_a')).toBe(2);
    expect(await subject.usersNamed('close_b')).toBe(0);
  });

  it('closes once a transaction that fails has rolled back, with none of it written', async () => {
    const { db } = subject;
    const { transaction, release } = await openTransaction(db, 'close_c', async () => {
      throw new Error('the request failed');
    });
    const closing = db.close();
    release();
    await expect(transaction).rejects.toThrow('the request failed');
    await closing;
    expect(await subject.usersNamed('close_c')).toBe(0);
  });

  it('closes once Prisma has rolled back a transaction that outlived its timeout', async () => {
    const { db } = subject;
    // never released: its callback waits until Prisma's timeout has rolled it back
    const { transaction } = await openTransaction(db, 'close_d', async () => {}, { timeout: 500 });
    transaction.catch(() => {});
    await db.close();
    expect(await subject.usersNamed('close_d')).toBe(0);
  });
});
