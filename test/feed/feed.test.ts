import { codesOf, startTestApp, type TestApp } from '../support/app';
import { createPostRow, followUser, signUp, type TestUser } from '../support/scenario';

const PAGE = `edges { cursor node { caption } } pageInfo { hasNextPage endCursor }`;
const FEED = `query ($first: Int, $after: String) { feed(first: $first, after: $after) { ${PAGE} } }`;
const EXPLORE = `query ($first: Int, $after: String) { explore(first: $first, after: $after) { ${PAGE} } }`;
const USER_POSTS = `query ($u: String!, $first: Int, $after: String) { user(username: $u) { posts(first: $first, after: $after) { ${PAGE} } } }`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(() => app.db.reset());

type Page = {
  edges: { cursor: string; node: { caption: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};
const captions = (page: Page) => page.edges.map((e) => e.node.caption);
const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute));

/** Reads a connection to its end, `first` at a time. */
async function readAll(
  pick: (data: any) => Page,
  query: string,
  variables: Record<string, unknown>,
  first: number,
  token?: string,
) {
  const seen: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const res = await app.gql(query, { ...variables, first, after }, { token });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    const page = pick(res.data);
    seen.push(...captions(page));
    if (!page.pageInfo.hasNextPage) return seen;
    after = page.pageInfo.endCursor;
  }
  throw new Error('connection never ended');
}

/** alice follows bob; carol is a stranger. Each has posted at distinct times. */
async function threeAccounts(): Promise<{ alice: TestUser; bob: TestUser; carol: TestUser }> {
  const [alice, bob, carol] = [
    await signUp(app, 'alice'),
    await signUp(app, 'bob'),
    await signUp(app, 'carol'),
  ];
  await followUser(app, alice, bob);
  await createPostRow(app, bob, { caption: 'bob 1', createdAt: at(1) });
  await createPostRow(app, alice, { caption: 'alice 2', createdAt: at(2) });
  await createPostRow(app, carol, { caption: 'carol 3', createdAt: at(3) });
  await createPostRow(app, bob, { caption: 'bob 4', createdAt: at(4) });
  return { alice, bob, carol };
}

describe('feed', () => {
  it("shows followed accounts' posts and the viewer's own, newest first", async () => {
    const { alice } = await threeAccounts();
    const res = await app.gql(FEED, {}, { token: alice.token });
    expect(res.errors).toBeUndefined();
    expect(captions(res.data.feed)).toEqual(['bob 4', 'alice 2', 'bob 1']);
  });

  it('drops an account once unfollowed and picks one up once followed', async () => {
    const { alice, bob, carol } = await threeAccounts();
    await app.gql(
      `mutation ($id: ID!) { unfollow(userId: $id) { id } }`,
      { id: bob.id },
      { token: alice.token },
    );
    await followUser(app, alice, carol);
    expect(captions((await app.gql(FEED, {}, { token: alice.token })).data.feed)).toEqual([
      'carol 3',
      'alice 2',
    ]);
  });

  it('is empty for a new account and needs a viewer', async () => {
    const dave = await signUp(app, 'dave');
    await createPostRow(app, await signUp(app, 'erin'));
    expect((await app.gql(FEED, {}, { token: dave.token })).data.feed).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    const anonymous = await app.gql(FEED);
    expect(codesOf(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.data).toBeNull();
  });

  it('pages through posts with equal timestamps in a stable order', async () => {
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    await followUser(app, alice, bob);
    for (let i = 0; i < 9; i++)
      await createPostRow(app, i % 2 ? alice : bob, { caption: `p${i}`, createdAt: at(i < 5 ? 1 : 2) });
    const all = await readAll((d) => d.feed, FEED, {}, 100, alice.token);
    expect(all).toEqual(['p8', 'p7', 'p6', 'p5', 'p4', 'p3', 'p2', 'p1', 'p0']);
    for (const first of [1, 2, 4])
      expect(await readAll((d) => d.feed, FEED, {}, first, alice.token)).toEqual(all);
  });
});

describe('explore', () => {
  it('shows every post newest first, anonymously too', async () => {
    const { carol } = await threeAccounts();
    const expected = ['bob 4', 'carol 3', 'alice 2', 'bob 1'];
    expect(captions((await app.gql(EXPLORE)).data.explore)).toEqual(expected);
    expect(captions((await app.gql(EXPLORE, {}, { token: carol.token })).data.explore)).toEqual(expected);
    expect(await readAll((d) => d.explore, EXPLORE, {}, 3)).toEqual(expected);
  });
});

describe('User.posts', () => {
  it("lists one user's posts newest first, page by page", async () => {
    await threeAccounts();
    expect(captions((await app.gql(USER_POSTS, { u: 'bob' })).data.user.posts)).toEqual(['bob 4', 'bob 1']);
    expect(await readAll((d) => d.user.posts, USER_POSTS, { u: 'bob' }, 1)).toEqual(['bob 4', 'bob 1']);
    const dave = await signUp(app, 'dave');
    expect((await app.gql(USER_POSTS, { u: dave.username })).data.user.posts.edges).toEqual([]);
  });

  it('loads the posts of many users in one statement', async () => {
    const viewer = await signUp(app, 'viewer');
    const query = `{ viewer { following(first: 50) { edges { node { username postCount posts(first: 2) { edges { node { caption } } } } } } } }`;
    const measure = () => app.db.statements.capture(() => app.gql(query, {}, { token: viewer.token }));
    const addFriend = async (i: number) => {
      const friend = await signUp(app, `friend${i}`);
      await followUser(app, viewer, friend);
      for (let n = 0; n < 3; n++)
        await createPostRow(app, friend, { caption: `friend${i} post ${n}`, createdAt: at(n) });
    };
    await addFriend(0);
    const one = await measure();
    for (let i = 1; i < 6; i++) await addFriend(i);
    const six = await measure();
    expect(six.statements).toHaveLength(one.statements.length);
    expect(six.statements).toHaveLength(3); // viewer, following, posts of all friends
    for (const edge of six.result.data.viewer.following.edges) {
      const name = edge.node.username;
      expect(captions(edge.node.posts)).toEqual([`${name} post 2`, `${name} post 1`]);
    }
  });
});

describe('page arguments', () => {
  const cases: [string, string, (d: any) => Page, Record<string, unknown>][] = [
    ['feed', FEED, (d) => d.feed, {}],
    ['explore', EXPLORE, (d) => d.explore, {}],
    ['User.posts', USER_POSTS, (d) => d.user.posts, { u: 'alice' }],
  ];

  it.each(cases)(
    '%s refuses first outside 1..100 and malformed cursors',
    async (_name, query, _pick, vars) => {
      const alice = await signUp(app, 'alice');
      const bad = [
        ['first', { first: 0 }],
        ['first', { first: 101 }],
        ['after', { after: 'not a cursor' }],
        ['after', { after: Buffer.from('["explore"').toString('base64url') }],
        ['after', { after: 'x'.repeat(600) }],
      ] as const;
      for (const [field, args] of bad) {
        const res = await app.gql(query, { ...vars, ...args }, { token: alice.token });
        expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      expect((await app.gql(query, { ...vars, first: 100 }, { token: alice.token })).errors).toBeUndefined();
      expect((await app.gql(query, { ...vars, first: 1 }, { token: alice.token })).errors).toBeUndefined();
    },
  );

  it.each(cases)('%s refuses a cursor from another connection', async (name, query, pick, vars) => {
    const alice = await signUp(app, 'alice');
    await createPostRow(app, alice, { caption: 'one' });
    await createPostRow(app, alice, { caption: 'two' });
    // a cursor of a different list: User.posts for feed/explore, explore for User.posts
    const [otherQuery, otherPick, otherVars] =
      name === 'User.posts'
        ? [EXPLORE, (d: any) => d.explore, {}]
        : [USER_POSTS, (d: any) => d.user.posts, { u: 'alice' }];
    const other = await app.gql(otherQuery, { ...otherVars, first: 1 }, { token: alice.token });
    const foreign = otherPick(other.data).pageInfo.endCursor;
    const res = await app.gql(query, { ...vars, after: foreign }, { token: alice.token });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    // its own cursor works
    const own = pick((await app.gql(query, { ...vars, first: 1 }, { token: alice.token })).data).pageInfo
      .endCursor;
    expect(
      captions(pick((await app.gql(query, { ...vars, after: own }, { token: alice.token })).data)),
    ).toEqual(['one']);
  });
});
