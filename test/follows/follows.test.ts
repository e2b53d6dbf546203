import { toGlobalId } from '../../src/core/global-id';
import { codesOf, startTestApp, type TestApp } from '../support/app';
import { dbIdOf, followUser, signUp, type TestUser } from '../support/scenario';

const FOLLOW = `mutation ($id: ID!) { follow(userId: $id) { id username followerCount followingCount viewerIsFollowing followsViewer } }`;
const UNFOLLOW = `mutation ($id: ID!) { unfollow(userId: $id) { id username followerCount viewerIsFollowing } }`;
const COUNTS = `query ($u: String!) { user(username: $u) { followerCount followingCount viewerIsFollowing followsViewer } }`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(() => app.db.reset());

const countsOf = async (user: TestUser, viewer?: TestUser) =>
  (await app.gql(COUNTS, { u: user.username }, { token: viewer?.token })).data.user;

/** What the counters should say, straight from the rows. */
const rowCounts = async (user: TestUser) => ({
  followerCount: await app.db.prisma.follow.count({ where: { followeeId: dbIdOf(user) } }),
  followingCount: await app.db.prisma.follow.count({ where: { followerId: dbIdOf(user) } }),
});

describe('follow', () => {
  it('follows a user and returns them with fresh counts and flags', async () => {
    const [alice, bob] = [await signUp(app, 'alice'), await signUp(app, 'bob')];
    const res = await app.gql(FOLLOW, { id: bob.id }, { token: alice.token });
    expect(res.errors).toBeUndefined();
    expect(res.data.follow).toEqual({
      id: bob.id,
      username: 'bob',
      followerCount: 1,
      followingCount: 0,
      viewerIsFollowing: true,
      followsViewer: false,
    });
    expect(await countsOf(alice, bob)).toEqual({
      followerCount: 0,
      followingCount: 1,
      viewerIsFollowing: false,
      followsViewer: true,
    });
  });

  it('is idempotent: a second follow changes nothing', async () => {
    const [alice, bob] = [await signUp(app, 'alice'), await signUp(app, 'bob')];
    await app.gql(FOLLOW, { id: bob.id }, { token: alice.token });
    const again = await app.gql(FOLLOW, { id: bob.id }, { token: alice.token });
    expect(again.errors).toBeUndefined();
    expect(again.data.follow).toMatchObject({ followerCount: 1, viewerIsFollowing: true });
    expect(await app.db.prisma.follow.count()).toBe(1);
  });

  it('refuses following yourself and writes nothing', async () => {
    const alice = await signUp(app, 'alice');
    const res = await app.gql(FOLLOW, { id: alice.id }, { token: alice.token });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
    expect(await app.db.prisma.follow.count()).toBe(0);
    expect(await countsOf(alice)).toMatchObject({ followerCount: 0, followingCount: 0 });
  });

  it('needs a viewer', async () => {
    const bob = await signUp(app, 'bob');
    expect(codesOf(await app.gql(FOLLOW, { id: bob.id }))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await app.gql(UNFOLLOW, { id: bob.id }))).toEqual(['UNAUTHENTICATED']);
  });

  it.each([
    ['a Post id', toGlobalId('Post', 1n)],
    ['a Comment id', toGlobalId('Comment', 1n)],
    ['garbage', 'not-an-id'],
    ['a raw database key', '1'],
  ])('refuses %s as userId with BAD_USER_INPUT', async (_what, id) => {
    const alice = await signUp(app, 'alice');
    for (const mutation of [FOLLOW, UNFOLLOW]) {
      const res = await app.gql(mutation, { id }, { token: alice.token });
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
    }
  });

  it('answers NOT_FOUND for a user that does not exist (or was deleted)', async () => {
    const [alice, bob] = [await signUp(app, 'alice'), await signUp(app, 'bob')];
    await app.db.prisma.user.delete({ where: { id: dbIdOf(bob) } });
    for (const id of [bob.id, toGlobalId('User', 999_999n)]) {
      expect(codesOf(await app.gql(FOLLOW, { id }, { token: alice.token }))).toEqual(['NOT_FOUND']);
      expect(codesOf(await app.gql(UNFOLLOW, { id }, { token: alice.token }))).toEqual(['NOT_FOUND']);
    }
    expect(await app.db.prisma.follow.count()).toBe(0);
  });
});

describe('unfollow', () => {
  it('removes the follow, is idempotent, and the counters follow the rows', async () => {
    const [alice, bob] = [await signUp(app, 'alice'), await signUp(app, 'bob')];
    await followUser(app, alice, bob);
    const res = await app.gql(UNFOLLOW, { id: bob.id }, { token: alice.token });
    expect(res.data.unfollow).toEqual({
      id: bob.id,
      username: 'bob',
      followerCount: 0,
      viewerIsFollowing: false,
    });
    const again = await app.gql(UNFOLLOW, { id: bob.id }, { token: alice.token });
    expect(again.errors).toBeUndefined();
    expect(again.data.unfollow.followerCount).toBe(0);
    expect(await countsOf(alice)).toMatchObject({ followingCount: 0 });
  });

  it('unfollowing someone never followed (or yourself) is a harmless no-op', async () => {
    const [alice, bob] = [await signUp(app, 'alice'), await signUp(app, 'bob')];
    await followUser(app, bob, alice);
    const never = await app.gql(UNFOLLOW, { id: bob.id }, { token: alice.token });
    expect(never.data.unfollow).toMatchObject({ followerCount: 0, viewerIsFollowing: false });
    const self = await app.gql(UNFOLLOW, { id: alice.id }, { token: alice.token });
    expect(self.data.unfollow).toMatchObject({ username: 'alice', followerCount: 1 });
    expect(await app.db.prisma.follow.count()).toBe(1);
  });
});

describe('viewer flags', () => {
  it('are false when anonymous and for users with no follow either way', async () => {
    const [alice, bob, carol] = [
      await signUp(app, 'alice'),
      await signUp(app, 'bob'),
      await signUp(app, 'carol'),
    ];
    await followUser(app, alice, bob);
    await followUser(app, bob, alice);
    expect(await countsOf(bob)).toMatchObject({ viewerIsFollowing: false, followsViewer: false });
    expect(await countsOf(carol, alice)).toMatchObject({ viewerIsFollowing: false, followsViewer: false });
    expect(await countsOf(bob, alice)).toMatchObject({ viewerIsFollowing: true, followsViewer: true });
    expect(await countsOf(alice, alice)).toMatchObject({ viewerIsFollowing: false, followsViewer: false });
  });

  it('are answered for a whole list with one query each, for this viewer only', async () => {
    const viewer = await signUp(app, 'viewer');
    const star = await signUp(app, 'star');
    const fans: TestUser[] = [];
    for (let i = 0; i < 6; i++) fans.push(await signUp(app, `fan${i}`));
    for (const fan of fans) await followUser(app, fan, star);
    // the viewer follows fans 0 and 1; fans 2 and 3 follow the viewer
    await followUser(app, viewer, fans[0]!);
    await followUser(app, viewer, fans[1]!);
    await followUser(app, fans[2]!, viewer);
    await followUser(app, fans[3]!, viewer);
    const query = `{ user(username: "star") { followers(first: 10) { edges { node { username viewerIsFollowing followsViewer } } } } }`;
    const { result, statements } = await app.db.statements.capture(() =>
      app.gql(query, {}, { token: viewer.token }),
    );
    const flags = Object.fromEntries(
      result.data.user.followers.edges.map((e: any) => [
        e.node.username,
        [e.node.viewerIsFollowing, e.node.followsViewer],
      ]),
    );
    expect(flags).toEqual({
      fan0: [true, false],
      fan1: [true, false],
      fan2: [false, true],
      fan3: [false, true],
      fan4: [false, false],
      fan5: [false, false],
    });
    // user, followers page, viewerIsFollowing, followsViewer (the viewer's session was checked
    // by its follows above and kept)
    expect(statements).toHaveLength(4);
    const other = await app.gql(query, {}, { token: fans[5]!.token });
    expect(other.data.user.followers.edges.every((e: any) => !e.node.viewerIsFollowing)).toBe(true);
  });
});

describe('concurrency', () => {
  it('20 users following one user at once leave followerCount at 20', async () => {
    const star = await signUp(app, 'star');
    const fans = await Promise.all(Array.from({ length: 20 }, (_, i) => signUp(app, `fan${i}`)));
    const results = await Promise.all(
      fans.map((fan) => app.gql(FOLLOW, { id: star.id }, { token: fan.token })),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(await countsOf(star)).toMatchObject({ followerCount: 20 });
    expect(await rowCounts(star)).toEqual({ followerCount: 20, followingCount: 0 });
    for (const fan of fans.slice(0, 3)) expect(await countsOf(fan)).toMatchObject({ followingCount: 1 });
  });

  it('a follow/unfollow storm by one user ends consistent with the final state', async () => {
    const alice = await signUp(app, 'alice');
    const targets = [await signUp(app, 'bob'), await signUp(app, 'carol')];
    const storm = Array.from({ length: 40 }, (_, i) => {
      const target = targets[i % 2]!;
      return app.gql(i % 3 === 0 ? UNFOLLOW : FOLLOW, { id: target.id }, { token: alice.token });
    });
    expect((await Promise.all(storm)).flatMap((r) => r.errors ?? [])).toEqual([]);
    for (const user of [alice, ...targets]) {
      const counts = await countsOf(user);
      expect({ followerCount: counts.followerCount, followingCount: counts.followingCount }).toEqual(
        await rowCounts(user),
      );
    }
    // a last, sequential request decides the final state; the counters agree with it
    await app.gql(FOLLOW, { id: targets[0]!.id }, { token: alice.token });
    await app.gql(UNFOLLOW, { id: targets[1]!.id }, { token: alice.token });
    expect(await countsOf(alice)).toMatchObject({ followingCount: 1 });
    expect(await countsOf(targets[0]!, alice)).toMatchObject({ followerCount: 1, viewerIsFollowing: true });
    expect(await countsOf(targets[1]!, alice)).toMatchObject({ followerCount: 0, viewerIsFollowing: false });
  });
});
