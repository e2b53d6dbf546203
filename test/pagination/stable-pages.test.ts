import { startTestApp, type TestApp } from '../support/app';
import { createPostRow, dbIdOf, followUser, signUp, type TestUser } from '../support/scenario';

/**
 * Property: while posts are inserted and deleted between page reads, one traversal of a
 * connection never shows a post twice and never skips a post that existed throughout. Random
 * interleavings from a seeded PRNG (PAGINATION_SEED=<n> replays one), with timestamps drawn
 * from a few seconds so many posts tie and the id tie-breaker is exercised.
 */
const SEED = Number(process.env.PAGINATION_SEED ?? 20261125);
const STEPS = 300;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'explore' | 'feed';
const QUERIES: Record<Kind, string> = {
  explore: `query ($first: Int, $after: String) { page: explore(first: $first, after: $after) { edges { node { caption createdAt } } pageInfo { hasNextPage endCursor } } }`,
  feed: `query ($first: Int, $after: String) { page: feed(first: $first, after: $after) { edges { node { caption createdAt } } pageInfo { hasNextPage endCursor } } }`,
};

interface Traversal {
  kind: Kind;
  after: string | null;
  seen: { caption: string; createdAt: string }[];
  /** what the connection held when the traversal began */
  atStart: Set<string>;
  /** deleted since the traversal began: these may legitimately be missing */
  deleted: Set<string>;
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

it(`pages stay stable under random inserts and deletes (seed ${SEED})`, async () => {
  const random = mulberry32(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const viewer = await signUp(app, 'viewer');
  const [friend, other, stranger] = [
    await signUp(app, 'friend'),
    await signUp(app, 'other'),
    await signUp(app, 'stranger'),
  ];
  await followUser(app, viewer, friend);
  await followUser(app, viewer, other);
  const authors = [viewer, friend, other, stranger];
  const feedAuthors = new Set([viewer, friend, other].map(dbIdOf));

  let label = 0;
  const insert = (author: TestUser) =>
    createPostRow(app, author, {
      caption: `p${label++}`,
      createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, Math.floor(random() * 12))),
    });
  for (let i = 0; i < 40; i++) await insert(pick(authors));

  const captionsNow = async (kind: Kind) => {
    const where = kind === 'feed' ? { authorId: { in: [...feedAuthors] } } : {};
    return new Set(
      (await app.db.prisma.post.findMany({ where, select: { caption: true } })).map((p) => p.caption),
    );
  };
  const begin = async (kind: Kind): Promise<Traversal> => ({
    kind,
    after: null,
    seen: [],
    atStart: await captionsNow(kind),
    deleted: new Set(),
  });
  const traversals = [await begin('explore'), await begin('feed')];
  let completed = 0;

  const finish = (t: Traversal) => {
    const captions = t.seen.map((s) => s.caption);
    expect(new Set(captions).size).toBe(captions.length);
    const missing = [...t.atStart].filter((c) => !t.deleted.has(c) && !captions.includes(c));
    expect({ kind: t.kind, missing }).toEqual({ kind: t.kind, missing: [] });
    const times = t.seen.map((s) => Date.parse(s.createdAt));
    expect(times.every((time, i) => i === 0 || time <= times[i - 1]!)).toBe(true);
    completed += 1;
  };

  for (let step = 0; step < STEPS; step++) {
    const roll = random();
    if (roll < 0.45) {
      const index = Math.floor(random() * traversals.length);
      const t = traversals[index]!;
      const res = await app.gql(
        QUERIES[t.kind],
        { first: 1 + Math.floor(random() * 6), after: t.after },
        { token: viewer.token },
      );
      expect(res.errors).toBeUndefined();
      t.seen.push(...res.data.page.edges.map((e: any) => e.node));
      if (res.data.page.pageInfo.hasNextPage) {
        t.after = res.data.page.pageInfo.endCursor;
      } else {
        finish(t);
        traversals[index] = await begin(t.kind);
      }
    } else if (roll < 0.75) {
      await insert(pick(authors));
    } else {
      // now and then delete the very post a cursor points at
      const cursorRow = pick(traversals).seen.at(-1)?.caption;
      const caption = random() < 0.2 && cursorRow ? cursorRow : pick([...(await captionsNow('explore'))]);
      if (caption === undefined) continue;
      await app.db.prisma.post.deleteMany({ where: { caption } });
      for (const t of traversals) t.deleted.add(caption);
    }
  }
  // the property was checked on several whole traversals, not vacuously
  expect(completed).toBeGreaterThanOrEqual(5);
});
