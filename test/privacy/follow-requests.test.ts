import { codesOf, startTestApp, type TestApp } from '../support/app';
import { createPost, dbIdOf, followUser, signUp, type TestUser } from '../support/scenario';
import { act, pendingRequests, setPrivate, unfollow } from './support';

/** Follow requests of private accounts, from request to answer, with counts checked throughout. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const USER = `id followerCount followingCount viewerIsFollowing viewerHasRequestedFollow viewerCanSeeContent`;
const FOLLOW = `mutation ($id: ID!) { follow(userId: $id) { ${USER} } }`;

async function profile(viewer: TestUser, of: TestUser) {
  const res = await app.gql(
    `query ($u: String!) { user(username: $u) { ${USER} } }`,
    { u: of.username },
    {
      token: viewer.token,
    },
  );
  return res.data.user;
}

/** The counters agree with the rows (the triggers kept them exact). */
async function expectExactCounts(...users: TestUser[]) {
  for (const user of users) {
    const id = dbIdOf(user);
    const row = await app.db.prisma.user.findUniqueOrThrow({ where: { id } });
    expect(row.followerCount).toBe(await app.db.prisma.follow.count({ where: { followeeId: id } }));
    expect(row.followingCount).toBe(await app.db.prisma.follow.count({ where: { followerId: id } }));
  }
}

let n = 0;
async function privateAccount() {
  const account = await signUp(app, `fr_priv_${++n}`);
  await setPrivate(app, account, true);
  return account;
}

it('a follow of a private account is a request: no follow, no count, listed for the account', async () => {
  const account = await privateAccount();
  const fan = await signUp(app);
  const res = await app.gql(FOLLOW, { id: account.id }, { token: fan.token });
  expect(res.errors).toBeUndefined();
  expect(res.data.follow).toMatchObject({
    viewerIsFollowing: false,
    viewerHasRequestedFollow: true,
    viewerCanSeeContent: false,
    followerCount: 0,
  });
  // a second follow is the same request
  await act(app, fan, FOLLOW, { id: account.id });
  expect((await pendingRequests(app, account)).map(([, from]) => from)).toEqual([fan.id]);
  await expectExactCounts(account, fan);
});

it('unfollow withdraws the request', async () => {
  const account = await privateAccount();
  const fan = await signUp(app);
  await followUser(app, fan, account);
  const { unfollow: after } = await act(
    app,
    fan,
    `mutation ($id: ID!) { unfollow(userId: $id) { ${USER} } }`,
    {
      id: account.id,
    },
  );
  expect(after).toMatchObject({ viewerHasRequestedFollow: false, viewerIsFollowing: false });
  expect(await pendingRequests(app, account)).toEqual([]);
});

it('accept makes the follower, who then sees the posts; decline leaves nothing', async () => {
  const account = await privateAccount();
  const post = await createPost(app, account, { caption: 'for followers' });
  const [fan, other] = [await signUp(app), await signUp(app)];
  await followUser(app, fan, account);
  await followUser(app, other, account);
  const requests = new Map((await pendingRequests(app, account)).map(([id, from]) => [from, id]));

  const accepted = await act(
    app,
    account,
    `mutation ($id: ID!) { acceptFollowRequest(id: $id) { id followingCount } }`,
    {
      id: requests.get(fan.id),
    },
  );
  expect(accepted.acceptFollowRequest).toEqual({ id: fan.id, followingCount: 1 });
  expect(await profile(fan, account)).toMatchObject({
    viewerIsFollowing: true,
    viewerCanSeeContent: true,
    followerCount: 1,
  });
  const seen = await app.gql(`query ($id: ID!) { post(id: $id) { id } }`, { id: post }, { token: fan.token });
  expect(seen.data.post).toEqual({ id: post });

  const declined = await act(app, account, `mutation ($id: ID!) { declineFollowRequest(id: $id) }`, {
    id: requests.get(other.id),
  });
  expect(declined.declineFollowRequest).toBe(requests.get(other.id));
  expect(await profile(other, account)).toMatchObject({
    viewerIsFollowing: false,
    viewerHasRequestedFollow: false,
  });
  expect(await pendingRequests(app, account)).toEqual([]);
  // an answered request is gone
  const again = await app.gql(
    `mutation ($id: ID!) { declineFollowRequest(id: $id) }`,
    { id: requests.get(other.id) },
    {
      token: account.token,
    },
  );
  expect(codesOf(again)).toEqual(['NOT_FOUND']);
  await expectExactCounts(account, fan, other);
});

it('only the account asked answers a request: anyone else, the requester included, gets NOT_FOUND', async () => {
  const account = await privateAccount();
  const [fan, stranger] = [await signUp(app), await signUp(app)];
  await followUser(app, fan, account);
  const [[requestId]] = (await pendingRequests(app, account)) as [[string, string]];
  for (const who of [fan, stranger]) {
    for (const mutation of [
      `mutation ($id: ID!) { acceptFollowRequest(id: $id) { id } }`,
      `mutation ($id: ID!) { declineFollowRequest(id: $id) }`,
    ]) {
      expect(codesOf(await app.gql(mutation, { id: requestId }, { token: who.token }))).toEqual([
        'NOT_FOUND',
      ]);
    }
    // node(id) of the request: its two sides only
    const node = await app.gql(
      `query ($id: ID!) { node(id: $id) { id } }`,
      { id: requestId },
      { token: who.token },
    );
    expect(node.data.node).toEqual(who === fan ? { id: requestId } : null);
  }
  expect(await pendingRequests(app, account)).toHaveLength(1);
  // not a request id at all
  const bad = await app.gql(
    `mutation { acceptFollowRequest(id: "nope") { id } }`,
    {},
    { token: account.token },
  );
  expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
});

it('followRequests, blockedUsers and mutedUsers need a viewer', async () => {
  for (const query of [
    `{ followRequests { edges { cursor } } }`,
    `{ blockedUsers { edges { cursor } } }`,
    `{ mutedUsers { edges { cursor } } }`,
  ]) {
    expect(codesOf(await app.gql(query))).toEqual(['UNAUTHENTICATED']);
  }
});

it('followRequests pages newest first', async () => {
  const account = await privateAccount();
  const fans = [await signUp(app), await signUp(app), await signUp(app)];
  for (const fan of fans) await followUser(app, fan, account);
  const first = await app.gql(
    `{ followRequests(first: 2) { edges { node { from { id } } } pageInfo { hasNextPage endCursor } } }`,
    {},
    {
      token: account.token,
    },
  );
  expect(first.data.followRequests.edges.map((e: any) => e.node.from.id)).toEqual([fans[2]!.id, fans[1]!.id]);
  expect(first.data.followRequests.pageInfo.hasNextPage).toBe(true);
  const rest = await app.gql(
    `query ($after: String) { followRequests(first: 2, after: $after) { edges { node { from { id } } } pageInfo { hasNextPage } } }`,
    {
      after: first.data.followRequests.pageInfo.endCursor,
    },
    { token: account.token },
  );
  expect(rest.data.followRequests.edges.map((e: any) => e.node.from.id)).toEqual([fans[0]!.id]);
});

it('turning public accepts every pending request; turning private keeps the followers', async () => {
  const account = await signUp(app);
  const early = await signUp(app);
  await followUser(app, early, account);
  await setPrivate(app, account, true);
  expect(await profile(early, account)).toMatchObject({ viewerIsFollowing: true, viewerCanSeeContent: true });
  const fans = [await signUp(app), await signUp(app), await signUp(app)];
  for (const fan of fans) await followUser(app, fan, account);
  const { updateProfile } = await act(
    app,
    account,
    `mutation { updateProfile(input: { isPrivate: false }) { isPrivate followerCount } }`,
    {},
  );
  expect(updateProfile).toEqual({ isPrivate: false, followerCount: 4 });
  expect(await pendingRequests(app, account)).toEqual([]);
  for (const fan of fans) expect(await profile(fan, account)).toMatchObject({ viewerIsFollowing: true });
  await expectExactCounts(account, early, ...fans);
});

it('a concurrent accept and unfollow leave exact counts either way', async () => {
  const account = await privateAccount();
  const fans = await Promise.all(Array.from({ length: 8 }, () => signUp(app)));
  for (const fan of fans) await followUser(app, fan, account);
  const requests = new Map((await pendingRequests(app, account)).map(([id, from]) => [from, id]));
  const outcomes = await Promise.all(
    fans.flatMap((fan) => [
      app.gql(
        `mutation ($id: ID!) { acceptFollowRequest(id: $id) { id } }`,
        { id: requests.get(fan.id) },
        { token: account.token },
      ),
      unfollow(app, fan, account),
    ]),
  );
  // an accept either found the request or was beaten to it by the withdrawal
  for (const outcome of outcomes)
    if ('errors' in (outcome as object) && (outcome as any).errors)
      expect(codesOf(outcome as any)).toEqual(['NOT_FOUND']);
  expect(await pendingRequests(app, account)).toEqual([]);
  await expectExactCounts(account, ...fans);
});

it('removeFollower stops a follower (idempotent)', async () => {
  const account = await signUp(app);
  const fan = await signUp(app);
  await followUser(app, fan, account);
  for (let i = 0; i < 2; i += 1) {
    const { removeFollower } = await act(
      app,
      account,
      `mutation ($id: ID!) { removeFollower(userId: $id) { id followsViewer } }`,
      { id: fan.id },
    );
    expect(removeFollower).toEqual({ id: fan.id, followsViewer: false });
  }
  await expectExactCounts(account, fan);
});
