import { startTestApp, type TestApp } from '../support/app';
import { createPost, followUser, signUp, type TestUser } from '../support/scenario';
import { block, setPrivate } from '../privacy/support';

/**
 * A hashtag page paged through while posts with the tag are being created: every post that
 * carried the tag when paging began is seen exactly once, newest first, and no post of a
 * private account or of a block either way ever shows; afterwards the counts match the rows.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const PAGE = `query ($first: Int, $after: String) { hashtag(name: "Race") { postCount
  posts(first: $first, after: $after) { edges { node { id createdAt } } pageInfo { hasNextPage endCursor } } } }`;

type Node = { id: string; createdAt: string };

async function pageThrough(viewer: TestUser, first: number, between?: () => Promise<void>): Promise<Node[]> {
  const seen: Node[] = [];
  let after: string | null = null;
  for (;;) {
    const res: any = await app.gql(PAGE, { first, after }, { token: viewer.token });
    expect(res.errors).toBeUndefined();
    const { edges, pageInfo } = res.data.hashtag.posts;
    seen.push(...edges.map((e: { node: Node }) => e.node));
    if (!pageInfo.hasNextPage) return seen;
    after = pageInfo.endCursor;
    await between?.();
  }
}

it('sees every post once, newest first, none hidden from the viewer, while posts keep coming', async () => {
  const [viewer, pubA, pubB, priv, blocker, blocked] = await Promise.all(
    ['viewer', 'puba', 'pubb', 'priv', 'blocker', 'blocked'].map((n) => signUp(app, `hp_${n}`)),
  );
  await setPrivate(app, priv!, true);
  await block(app, blocker!, viewer!);
  await block(app, viewer!, blocked!);
  await followUser(app, pubA!, priv!); // someone else's follow changes nothing for the viewer
  const visibleBefore: string[] = [];
  const hidden = new Set<string>();
  const authors = [pubA!, priv!, pubB!, blocker!, blocked!];
  for (let n = 0; n < 40; n++) {
    const author = authors[n % authors.length]!;
    const id = await createPost(app, author, { caption: `#race ${n} #RACE` });
    if (author === pubA || author === pubB) visibleBefore.push(id);
    else hidden.add(id);
  }

  // Writers post with the tag (visible and hidden authors) while the viewer pages, 3 at a time.
  const created: { id: string; visible: boolean }[] = [];
  let writing = true;
  const writer = (async () => {
    for (let round = 0; round < 12; round++) {
      const batch = await Promise.all(
        [pubA!, priv!, blocker!].map(async (author) => ({
          id: await createPost(app, author, { caption: `late #Race ${round}` }),
          visible: author === pubA,
        })),
      );
      created.push(...batch);
    }
    writing = false;
  })();
  let pagesDuringWrites = 0;
  const seen = await pageThrough(viewer!, 3, async () => {
    if (writing) pagesDuringWrites++;
    await new Promise((resolve) => setImmediate(resolve));
  });
  await writer;
  expect(pagesDuringWrites).toBeGreaterThan(0);

  const ids = seen.map((n) => n.id);
  expect(new Set(ids).size).toBe(ids.length); // no duplicate
  for (const id of visibleBefore) expect(ids).toContain(id); // no skip
  for (const id of [...hidden, ...created.filter((c) => !c.visible).map((c) => c.id)])
    expect(ids).not.toContain(id);
  // newest first, ties by id
  const keys = seen.map((n) => n.createdAt);
  expect([...keys].sort().reverse()).toEqual(keys);

  // Counts match: the viewer's postCount is what a full page-through shows; the stored count,
  // every author's posts; the hourly counts, the public accounts' posts.
  const visibleNow = [...visibleBefore, ...created.filter((c) => c.visible).map((c) => c.id)];
  const all = await pageThrough(viewer!, 50);
  expect(all.map((n) => n.id).sort()).toEqual([...visibleNow].sort());
  const res = await app.gql(PAGE, { first: 1 }, { token: viewer!.token });
  expect(res.data.hashtag.postCount).toBe(visibleNow.length);
  const total = 40 + created.length;
  const [row] = await app.db.prisma.$queryRaw<{ stored: number; links: number; publicHours: number }[]>`
    SELECT h.post_count AS stored,
      (SELECT count(*)::int FROM post_hashtags ph WHERE ph.hashtag_id = h.id) AS links,
      (SELECT sum(post_count)::int FROM hashtag_hours hh WHERE hh.hashtag_id = h.id) AS "publicHours"
    FROM hashtags h WHERE h.name = 'race'`;
  expect(row).toEqual({ stored: total, links: total, publicHours: total - 8 - 12 });
}, 120_000);
