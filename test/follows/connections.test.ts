import { startTestApp, type TestApp } from '../support/app';
import { dbIdOf, followUser, signUp, type TestUser } from '../support/scenario';

const FOLLOWERS = `query ($u: String!, $first: Int, $after: String) {
  user(username: $u) { followers(first: $first, after: $after) { edges { cursor node { id username followerCount } } pageInfo { hasNextPage endCursor } } }
}`;
const FOLLOWING = `query ($u: String!, $first: Int, $after: String) {
  user(username: $u) { following(first: $first, after: $after) { edges { cursor node { username } } pageInfo { hasNextPage endCursor } } }
}`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(() => app.db.reset());

const usernames = (connection: { edges: { node: { username: string } }[] }) =>
  connection.edges.map((e) => e.node.username);

/** Pins when a follow happened, so order does not depend on request timing. */
const followAt = (follower: TestUser, followee: TestUser, at: string) =>
  app.db.prisma.follow.update({
    where: { followerId_followeeId: { followerId: dbIdOf(follower), followeeId: dbIdOf(followee) } },
    data: { createdAt: new Date(at) },
  });

describe('followers and following', () => {
  it('list the most recent follow first, with the User as node', async () => {
    const star = await signUp(app, 'star');
    const [a, b, c] = [await signUp(app, 'fan_a'), await signUp(app, 'fan_b'), await signUp(app, 'fan_c')];
    for (const fan of [a, b, c]) await followUser(app, fan, star);
    await followAt(b, star, '2030-01-03T00:00:00.000Z');
    await followAt(a, star, '2030-01-02T00:00:00.000Z');
    await followAt(c, star, '2030-01-01T00:00:00.000Z');
    const res = await app.gql(FOLLOWERS, { u: 'star' });
    expect(res.errors).toBeUndefined();
    expect(usernames(res.data.user.followers)).toEqual(['fan_b', 'fan_a', 'fan_c']);
    expect(res.data.user.followers.edges[0].node).toMatchObject({ id: b.id, followerCount: 0 });
    expect(res.data.user.followers.pageInfo).toMatchObject({ hasNextPage: false });
    for (const fan of [a, c]) await followUser(app, star, fan);
    await followAt(star, c, '2030-02-01T00:00:00.000Z');
    expect(usernames((await app.gql(FOLLOWING, { u: 'star' })).data.user.following)).toEqual([
      'fan_c',
      'fan_a',
    ]);
  });

  it('break ties in follow time by user id, and page through them without gaps or repeats', async () => {
    const star = await signUp(app, 'star');
    const fans: TestUser[] = [];
    for (let i = 0; i < 7; i++) fans.push(await signUp(app, `fan${i}`));
    for (const fan of fans) await followUser(app, fan, star);
    await app.db.prisma.follow.updateMany({ data: { createdAt: new Date('2030-01-01T00:00:00.000Z') } });
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res: any = await app.gql(FOLLOWERS, { u: 'star', first: 3, after });
      expect(res.errors).toBeUndefined();
      seen.push(...usernames(res.data.user.followers));
      const { hasNextPage, endCursor } = res.data.user.followers.pageInfo;
      if (!hasNextPage) break;
      after = endCursor;
    }
    expect(seen).toEqual(['fan6', 'fan5', 'fan4', 'fan3', 'fan2', 'fan1', 'fan0']);
  });

  it('are empty for a user nobody follows', async () => {
    await signUp(app, 'loner');
    const res = await app.gql(FOLLOWERS, { u: 'loner' });
    expect(res.data.user.followers).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it.each([
    ['first', { first: 0 }],
    ['first', { first: 101 }],
    ['first', { first: -1 }],
    ['after', { after: 'garbage' }],
    ['after', { after: Buffer.from('["followers","x","1"]').toString('base64url') }],
  ])('refuse an invalid %s (%j)', async (field, args) => {
    await signUp(app, 'star');
    const res = await app.gql(FOLLOWERS, { u: 'star', ...args });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('accept first 100 and refuse a cursor of the other list', async () => {
    const [star, fan] = [await signUp(app, 'star'), await signUp(app, 'fan')];
    await followUser(app, fan, star);
    const page = await app.gql(FOLLOWERS, { u: 'star', first: 100 });
    expect(page.errors).toBeUndefined();
    const followersCursor = page.data.user.followers.pageInfo.endCursor;
    const res = await app.gql(FOLLOWING, { u: 'fan', after: followersCursor });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('load pages for many users in one statement, not one per user', async () => {
    const viewer = await signUp(app, 'viewer');
    const query = `{
      viewer { following(first: 20) { edges { node { username
        followers(first: 2) { edges { node { username } } }
        following(first: 2) { edges { node { username } } } } } } }
    }`;
    const countFor = async () =>
      (await app.db.statements.capture(() => app.gql(query, {}, { token: viewer.token }))).statements.length;
    const friends: TestUser[] = [];
    for (let i = 0; i < 2; i++) friends.push(await signUp(app, `friend${i}`));
    for (const friend of friends) await followUser(app, viewer, friend);
    const withTwo = await countFor();
    for (let i = 2; i < 8; i++) {
      friends.push(await signUp(app, `friend${i}`));
      await followUser(app, viewer, friends[i]!);
      await followUser(app, friends[i]!, friends[i - 1]!);
    }
    const withEight = await countFor();
    expect(withEight).toBe(withTwo);
    // viewer, viewer.following, then followers + following of every friend (the token's
    // session was checked by the follows above and kept)
    expect(withEight).toBe(4);
    const res = await app.gql(query, {}, { token: viewer.token });
    const friend3 = res.data.viewer.following.edges.find((e: any) => e.node.username === 'friend3').node;
    expect(usernames(friend3.followers)).toEqual(['friend4', 'viewer']);
    expect(usernames(friend3.following)).toEqual(['friend2']);
  });
});
