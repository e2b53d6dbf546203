import { codesOf, startTestApp, type TestApp } from '../support/app';
import { addComment, createPost, dbIdOf, followUser, likePost, signUp } from '../support/scenario';
import { closeAllSockets, openSocket, subscribersReach, within } from '../realtime/support';
import { act, block, mute, setPrivate, unblock } from './support';

/** Blocks, mutes and reports: what they remove, refuse and store, and that they apply live. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterEach(() => closeAllSockets(app));
afterAll(() => app.stop());

const onUser = (field: string, selection = 'id') =>
  `mutation ($id: ID!) { ${field}(userId: $id) { ${selection} } }`;

it('a block removes the follows and requests between the two, both ways, in one go', async () => {
  const [a, b, c] = [await signUp(app), await signUp(app), await signUp(app)];
  await followUser(app, a, b);
  await followUser(app, b, a);
  await setPrivate(app, c, true);
  await followUser(app, a, c); // a request of a to c
  const { block: blocked } = await act(
    app,
    a,
    onUser('block', 'id viewerHasBlocked viewerIsFollowing followsViewer followerCount'),
    { id: b.id },
  );
  expect(blocked).toEqual({
    id: b.id,
    viewerHasBlocked: true,
    viewerIsFollowing: false,
    followsViewer: false,
    followerCount: 0,
  });
  await block(app, c, a);
  expect(
    await app.db.prisma.follow.count({
      where: { OR: [{ followerId: dbIdOf(a) }, { followeeId: dbIdOf(a) }] },
    }),
  ).toBe(0);
  expect(await app.db.prisma.followRequest.count({ where: { requesterId: dbIdOf(a) } })).toBe(0);
  for (const user of [a, b]) {
    const row = await app.db.prisma.user.findUniqueOrThrow({ where: { id: dbIdOf(user) } });
    expect([row.followerCount, row.followingCount]).toEqual([0, 0]);
  }
  // idempotent
  expect((await act(app, a, onUser('block', 'viewerHasBlocked'), { id: b.id })).block).toEqual({
    viewerHasBlocked: true,
  });
});

it('the blocked account gets NOT_FOUND for whatever it aims at the blocker, and changes nothing', async () => {
  const [blocker, blocked] = [await signUp(app), await signUp(app)];
  const post = await createPost(app, blocker, { caption: 'not for you' });
  await block(app, blocker, blocked);
  const attempts: [string, Record<string, unknown>][] = [
    [onUser('follow'), { id: blocker.id }],
    [onUser('mute'), { id: blocker.id }],
    [onUser('block'), { id: blocker.id }],
    [`mutation ($id: ID!) { likePost(postId: $id) { id } }`, { id: post }],
    [`mutation ($id: ID!) { unlikePost(postId: $id) { id } }`, { id: post }],
    [`mutation ($id: ID!) { addComment(input: { postId: $id, body: "hey" }) { id } }`, { id: post }],
    [`mutation ($id: ID!) { report(input: { subjectId: $id, reason: SPAM }) }`, { id: post }],
    [`mutation ($id: ID!) { report(input: { subjectId: $id, reason: SPAM }) }`, { id: blocker.id }],
  ];
  for (const [mutation, variables] of attempts) {
    expect([mutation, codesOf(await app.gql(mutation, variables, { token: blocked.token }))]).toEqual([
      mutation,
      ['NOT_FOUND'],
    ]);
  }
  const id = dbIdOf(blocked);
  expect(await app.db.prisma.like.count({ where: { userId: id } })).toBe(0);
  expect(await app.db.prisma.comment.count({ where: { authorId: id } })).toBe(0);
  expect(await app.db.prisma.follow.count({ where: { followerId: id } })).toBe(0);
  expect(await app.db.prisma.report.count({ where: { reporterId: id } })).toBe(0);
  expect(await app.db.prisma.block.count({ where: { blockerId: id } })).toBe(0);
});

it('a private post is NOT_FOUND to like or comment for a non-follower', async () => {
  const [account, stranger] = [await signUp(app), await signUp(app)];
  const post = await createPost(app, account);
  await setPrivate(app, account, true);
  for (const mutation of [
    `mutation ($id: ID!) { likePost(postId: $id) { id } }`,
    `mutation ($id: ID!) { addComment(input: { postId: $id, body: "hey" }) { id } }`,
  ]) {
    expect(codesOf(await app.gql(mutation, { id: post }, { token: stranger.token }))).toEqual(['NOT_FOUND']);
  }
});

it('the blocker follows nobody it blocked, and may unblock it', async () => {
  const [a, b] = [await signUp(app), await signUp(app)];
  await block(app, a, b);
  expect(codesOf(await app.gql(onUser('follow'), { id: b.id }, { token: a.token }))).toEqual([
    'BAD_USER_INPUT',
  ]);
  const found = await app.gql(
    `query ($u: String!) { user(username: $u) { viewerHasBlocked } }`,
    { u: b.username },
    { token: a.token },
  );
  expect(found.data.user).toEqual({ viewerHasBlocked: true });
  await unblock(app, a, b);
  await followUser(app, a, b);
  // b sees a again
  const back = await app.gql(
    `query ($u: String!) { user(username: $u) { id followsViewer } }`,
    { u: a.username },
    { token: b.token },
  );
  expect(back.data.user).toEqual({ id: a.id, followsViewer: true });
});

it('blocking, muting or reporting yourself is BAD_USER_INPUT', async () => {
  const me = await signUp(app);
  const post = await createPost(app, me);
  for (const [mutation, variables] of [
    [onUser('block'), { id: me.id }],
    [onUser('mute'), { id: me.id }],
    [`mutation ($id: ID!) { report(input: { subjectId: $id, reason: SPAM }) }`, { id: me.id }],
    [`mutation ($id: ID!) { report(input: { subjectId: $id, reason: SPAM }) }`, { id: post }],
  ] as const) {
    expect(codesOf(await app.gql(mutation, variables, { token: me.token }))).toEqual(['BAD_USER_INPUT']);
  }
});

it('a report is stored once per reporter and subject; the second replaces the first', async () => {
  const [reporter, author] = [await signUp(app), await signUp(app)];
  const post = await createPost(app, author);
  const comment = await addComment(app, author, post, 'rude words');
  const report = `mutation ($input: ReportInput!) { report(input: $input) }`;
  for (const subjectId of [author.id, post, comment]) {
    expect((await act(app, reporter, report, { input: { subjectId, reason: 'SPAM' } })).report).toBe(true);
  }
  await act(app, reporter, report, {
    input: { subjectId: comment, reason: 'HARASSMENT', note: ' aimed at me ' },
  });
  const rows = await app.db.prisma.report.findMany({
    where: { reporterId: dbIdOf(reporter) },
    orderBy: { id: 'asc' },
  });
  expect(rows.map((r) => [r.subjectType, r.reason, r.note])).toEqual([
    ['USER', 'SPAM', null],
    ['POST', 'SPAM', null],
    ['COMMENT', 'HARASSMENT', 'aimed at me'],
  ]);
  const tooLong = await app.gql(
    report,
    { input: { subjectId: post, reason: 'OTHER', note: 'x'.repeat(1001) } },
    { token: reporter.token },
  );
  expect(codesOf(tooLong)).toEqual(['BAD_USER_INPUT']);
  const notASubject = await app.gql(
    report,
    { input: { subjectId: 'bm9wZTox', reason: 'OTHER' } },
    { token: reporter.token },
  );
  expect(codesOf(notASubject)).toEqual(['BAD_USER_INPUT']);
  expect(codesOf(await app.gql(report, { input: { subjectId: post, reason: 'OTHER' } }))).toEqual([
    'UNAUTHENTICATED',
  ]);
});

it("blockedUsers and mutedUsers list the viewer's own, most recent first; mutes are idempotent", async () => {
  const me = await signUp(app);
  const [x, y, z] = [await signUp(app), await signUp(app), await signUp(app)];
  await block(app, me, x);
  await block(app, me, y);
  await mute(app, me, z);
  await mute(app, me, z);
  const lists = await app.gql(
    `{ blockedUsers { edges { node { id } } } mutedUsers { edges { node { id viewerHasMuted } } } }`,
    {},
    { token: me.token },
  );
  expect(lists.data.blockedUsers.edges.map((e: any) => e.node.id)).toEqual([y.id, x.id]);
  expect(lists.data.mutedUsers.edges.map((e: any) => e.node)).toEqual([{ id: z.id, viewerHasMuted: true }]);
  await act(app, me, onUser('unmute'), { id: z.id });
  const after = await app.gql(`{ mutedUsers { edges { node { id } } } }`, {}, { token: me.token });
  expect(after.data.mutedUsers.edges).toEqual([]);
});

const POSTS = `subscription { postCreated { id } }`;

it('a block made while a socket is open applies to the next event', async () => {
  const [author, fan, other] = [await signUp(app), await signUp(app), await signUp(app)];
  await followUser(app, fan, author);
  await followUser(app, fan, other);
  const stream = openSocket(app, { token: fan.token }).subscribe(POSTS);
  await subscribersReach(app, 1);
  const before = await createPost(app, author, { caption: 'before the block' });
  expect((await stream.next()).data?.postCreated.id).toBe(before);
  await block(app, author, fan);
  await createPost(app, author, { caption: 'after the block' });
  const sentinel = await createPost(app, other, { caption: 'from someone else' });
  expect((await stream.next()).data?.postCreated.id).toBe(sentinel);
});

it('a mute made while a socket is open applies to the next event, and an unmute too', async () => {
  const [author, fan, other] = [await signUp(app), await signUp(app), await signUp(app)];
  await followUser(app, fan, author);
  await followUser(app, fan, other);
  const stream = openSocket(app, { token: fan.token }).subscribe(POSTS);
  await subscribersReach(app, 1);
  await mute(app, fan, author);
  await createPost(app, author, { caption: 'muted' });
  const sentinel = await createPost(app, other);
  expect((await stream.next()).data?.postCreated.id).toBe(sentinel);
  await act(app, fan, onUser('unmute'), { id: author.id });
  const heard = await createPost(app, author, { caption: 'heard again' });
  expect((await stream.next()).data?.postCreated.id).toBe(heard);
});

it('a switch to private while a socket is open hides the next comment on its posts from strangers', async () => {
  const [account, stranger, follower, host] = [
    await signUp(app),
    await signUp(app),
    await signUp(app),
    await signUp(app),
  ];
  await followUser(app, follower, account);
  const post = await createPost(app, account);
  const hostPost = await createPost(app, host);
  const COMMENTS = `subscription ($postId: ID!) { commentAdded(postId: $postId) { id } }`;
  const socket = openSocket(app, { token: stranger.token });
  const onPrivate = socket.subscribe(COMMENTS, { postId: post });
  const onPublic = socket.subscribe(COMMENTS, { postId: hostPost });
  const followers = openSocket(app, { token: follower.token }).subscribe(COMMENTS, { postId: post });
  await subscribersReach(app, 3);
  await setPrivate(app, account, true);
  const hidden = await addComment(app, account, post, 'for followers now');
  expect((await followers.next()).data?.commentAdded.id).toBe(hidden);
  // the stranger's other subscription hears the next comment, and the first one has nothing
  const later = await addComment(app, host, hostPost, 'public');
  expect((await onPublic.next()).data?.commentAdded.id).toBe(later);
  await expect(within(onPrivate.next(), 'a hidden comment', 300)).rejects.toThrow();
  await likePost(app, follower, post); // still allowed to the follower
});
