import { startTestApp, type TestApp } from '../support/app';
import { signUp, type TestUser } from '../support/scenario';

const SEARCH = `query ($q: String!, $first: Int, $after: String) {
  searchUsers(query: $q, first: $first, after: $after) {
    edges { cursor node { id username displayName followerCount } } pageInfo { hasNextPage endCursor }
  }
}`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(() => app.db.reset());

async function userNamed(username: string, displayName?: string): Promise<TestUser> {
  const user = await signUp(app, username);
  if (displayName !== undefined) {
    const res = await app.gql(
      `mutation ($n: String!) { updateProfile(input: { displayName: $n }) { id } }`,
      { n: displayName },
      { token: user.token },
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
  }
  return user;
}

async function search(q: string, args: { first?: number; after?: string } = {}) {
  const res = await app.gql(SEARCH, { q, ...args });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.searchUsers as {
    edges: { cursor: string; node: { username: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
const usernames = async (q: string) => (await search(q)).edges.map((e) => e.node.username);

describe('searchUsers', () => {
  it('ranks the exact username, then username prefixes, then display-name prefixes, ties by username', async () => {
    await userNamed('annabel');
    await userNamed('zed', 'Ann Zed');
    await userNamed('ann');
    await userNamed('anne.k');
    await userNamed('bob', 'Annie B');
    await userNamed('joann', 'Jo');
    const res = await search('ann');
    expect(res.edges.map((e) => e.node.username)).toEqual(['ann', 'annabel', 'anne.k', 'bob', 'zed']);
    expect(res.edges[0]!.node).toMatchObject({ displayName: 'ann', followerCount: 0 });
  });

  it('is case-insensitive on both the username and the display name, and trims the query', async () => {
    await userNamed('alice', 'Wonder Land');
    await userNamed('walter', 'walt');
    expect(await usernames('  ALI ')).toEqual(['alice']);
    expect(await usernames('WONDER l')).toEqual(['alice']);
    expect(await usernames('wAl')).toEqual(['walter']);
  });

  it('matches only at the start, not in the middle', async () => {
    await userNamed('maryanne', 'Mary Anne');
    expect(await usernames('anne')).toEqual([]);
    expect(await usernames('mary a')).toEqual(['maryanne']);
  });

  it('treats LIKE wildcards and backslashes in the query literally', async () => {
    await userNamed('a_b');
    await userNamed('axb');
    await userNamed('percent', '100% real');
    await userNamed('hundred', '1000 real');
    await userNamed('slash', 'back\\slash');
    await userNamed('other', 'backslash');
    expect(await usernames('a_')).toEqual(['a_b']);
    expect(await usernames('_')).toEqual([]);
    expect(await usernames('%')).toEqual([]);
    expect(await usernames('100%')).toEqual(['percent']);
    expect(await usernames('back\\')).toEqual(['slash']);
    expect(await usernames('back\\s')).toEqual(['slash']);
  });

  it('pages over the ranking with no repeats or gaps', async () => {
    await userNamed('sam');
    for (const name of ['sam_a', 'sam_b', 'sam_c', 'samuel']) await userNamed(name);
    for (const name of ['xx1', 'xx2', 'xx3']) await userNamed(name, `Sammy ${name}`);
    const all = await usernames('sam');
    expect(all).toEqual(['sam', 'sam_a', 'sam_b', 'sam_c', 'samuel', 'xx1', 'xx2', 'xx3']);
    for (const first of [1, 2, 3]) {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await search('sam', { first, after });
        seen.push(...page.edges.map((e) => e.node.username));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor!;
      }
      expect(seen).toEqual(all);
    }
  });

  it('works anonymously and finds nothing for an unknown prefix', async () => {
    await userNamed('alice');
    expect(await usernames('zz')).toEqual([]);
  });

  it.each([
    ['query', { q: '' }],
    ['query', { q: '    ' }],
    ['query', { q: 'q'.repeat(65) }],
    ['first', { q: 'a', first: 0 }],
    ['first', { q: 'a', first: 101 }],
    ['after', { q: 'a', after: 'garbage' }],
    ['after', { q: 'a', after: Buffer.from('["searchUsers","0","a"]').toString('base64url') }],
    [
      'after',
      { q: 'a', after: Buffer.from('["followers","2030-01-01T00:00:00.000Z","1"]').toString('base64url') },
    ],
  ])('refuses an invalid %s (%j)', async (field, vars) => {
    const res = await app.gql(SEARCH, vars);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('accepts a query of exactly 64 characters (counting code points) and first 100', async () => {
    await userNamed('emoji', '😀'.repeat(64));
    expect((await app.gql(SEARCH, { q: 'q'.repeat(64), first: 100 })).errors).toBeUndefined();
    expect(await usernames(` ${'😀'.repeat(64)} `)).toEqual(['emoji']);
  });
});
