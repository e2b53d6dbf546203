import { startTestApp, type TestApp } from '../support/app';
import { createPost, dbIdOf, followUser, likePost, signUp, type TestUser } from '../support/scenario';
import { closeAllSockets, openSocket, POST_CREATED, subscribersReach, within } from './support';

/**
 * postCreated over a real graphql-ws client: delivered to the author and to whoever follows the
 * author when the post is created, to nobody else, with viewer-specific fields resolved for
 * each subscriber. "Not delivered" is proven by a later event that is delivered: events reach a
 * subscription in order, so the next result being the later post means the earlier never came.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterEach(() => closeAllSockets(app));
afterAll(() => app.stop());

async function unfollow(user: TestUser, followee: TestUser): Promise<void> {
  const res = await app.gql(
    `mutation ($id: ID!) { unfollow(userId: $id) { id } }`,
    { id: followee.id },
    { token: user.token },
  );
  expect(res.errors).toBeUndefined();
}

it('delivers a new post to the followers and the author, and to no one else', async () => {
  const [author, follower, stranger] = [await signUp(app), await signUp(app), await signUp(app)];
  await followUser(app, follower, author);
  const toFollower = openSocket(app, { token: follower.token }).subscribe(POST_CREATED);
  const toAuthor = openSocket(app, { token: author.token }).subscribe(POST_CREATED);
  const toStranger = openSocket(app, { token: stranger.token }).subscribe(POST_CREATED);
  await subscribersReach(app, 3);

  const postId = await createPost(app, author, { caption: 'hello followers' });
  expect(await toFollower.next()).toEqual({
    data: {
      postCreated: {
        id: postId,
        caption: 'hello followers',
        author: { username: author.username, viewerIsFollowing: true, isViewer: false },
        viewerHasLiked: false,
      },
    },
  });
  expect((await toAuthor.next()).data?.postCreated).toMatchObject({
    id: postId,
    author: { viewerIsFollowing: false, isViewer: true },
  });

  const strangersOwn = await createPost(app, stranger, { caption: 'my own' });
  expect((await toStranger.next()).data?.postCreated.id).toBe(strangersOwn);
  // ...and the follower, who does not follow the stranger, gets the author's next post instead.
  const second = await createPost(app, author);
  expect((await toFollower.next()).data?.postCreated.id).toBe(second);
});

it('applies a follow and an unfollow to a live subscription', async () => {
  const [author, reader] = [await signUp(app), await signUp(app)];
  const toReader = openSocket(app, { token: reader.token }).subscribe(POST_CREATED);
  await subscribersReach(app, 1);

  await createPost(app, author, { caption: 'before the follow' });
  await followUser(app, reader, author);
  const afterFollow = await createPost(app, author, { caption: 'after the follow' });
  expect((await toReader.next()).data?.postCreated).toMatchObject({
    id: afterFollow,
    caption: 'after the follow',
  });

  await unfollow(reader, author);
  await createPost(app, author, { caption: 'after the unfollow' });
  const own = await createPost(app, reader, { caption: 'sentinel' });
  expect((await toReader.next()).data?.postCreated.id).toBe(own);
});

it('does not bring a post to a follow made after it, even one already in the database', async () => {
  // Through Redis, a follow made just after a post can reach the database before the post's
  // event reaches this instance: the follow's own time decides, not its presence. A follow
  // dated a minute ahead is that race made deterministic.
  const [author, reader] = [await signUp(app), await signUp(app)];
  await followUser(app, reader, author);
  const followedAt = (createdAt: Date) =>
    app.db.prisma.follow.update({
      where: { followerId_followeeId: { followerId: dbIdOf(reader), followeeId: dbIdOf(author) } },
      data: { createdAt },
    });
  await followedAt(new Date(Date.now() + 60_000));
  const toReader = openSocket(app, { token: reader.token }).subscribe(POST_CREATED);
  await subscribersReach(app, 1);

  await createPost(app, author, { caption: 'older than the follow' });
  const own = await createPost(app, reader, { caption: 'sentinel' });
  expect((await toReader.next()).data?.postCreated.id).toBe(own);

  // the same follow, dated before the next post, brings it
  await followedAt(new Date(Date.now() - 60_000));
  const newer = await createPost(app, author, { caption: 'newer than the follow' });
  expect((await toReader.next()).data?.postCreated.id).toBe(newer);
});

it('refuses postCreated to an anonymous socket with UNAUTHENTICATED', async () => {
  const result = await openSocket(app).subscribe(POST_CREATED).next();
  expect(result.data ?? null).toBeNull();
  expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
});

it('stops delivering once the client unsubscribes', async () => {
  const [author, follower] = [await signUp(app), await signUp(app)];
  await followUser(app, follower, author);
  const socket = openSocket(app, { token: follower.token });
  const leaving = socket.subscribe(POST_CREATED);
  const staying = socket.subscribe(POST_CREATED);
  await subscribersReach(app, 2);
  const first = await createPost(app, author);
  expect((await leaving.next()).data?.postCreated.id).toBe(first);
  expect((await staying.next()).data?.postCreated.id).toBe(first);

  await leaving.unsubscribe();
  await subscribersReach(app, 1); // the server has let go of it
  const second = await createPost(app, author);
  expect((await staying.next()).data?.postCreated.id).toBe(second);
  expect(app.app.realtime.subscriberCount()).toBe(1);
});

it('resolves viewer-specific fields per subscriber, in the same few statements for 3 subscribers or 12', async () => {
  const author = await signUp(app);
  const query = `subscription { postCreated {
    id caption media { url } likeCount viewerHasLiked
    author { username followerCount viewerIsFollowing followsViewer isViewer }
  } }`;
  const deliverTo = async (count: number) => {
    const followers = await Promise.all(Array.from({ length: count }, () => signUp(app)));
    // the author follows back every other follower: followsViewer must differ per subscriber
    for (const [i, follower] of followers.entries()) {
      await followUser(app, follower, author);
      if (i % 2 === 0) await followUser(app, author, follower);
    }
    const subscriptions = followers.map((f) => openSocket(app, { token: f.token }).subscribe(query));
    await subscribersReach(app, count);
    const { result: payloads, statements } = await app.db.statements.capture(async () => {
      await createPost(app, author);
      return Promise.all(subscriptions.map((s) => s.next()));
    });
    await closeAllSockets(app);
    payloads.forEach((payload, i) =>
      expect(payload.data?.postCreated.author).toMatchObject({
        viewerIsFollowing: true,
        followsViewer: i % 2 === 0,
        isViewer: false,
      }),
    );
    return statements;
  };
  const few = await deliverTo(3);
  const many = await deliverTo(12);
  expect(many).toHaveLength(few.length);
  // the mutation's own writes plus a handful per event: nothing grows with the subscribers
  expect(few.length).toBeLessThan(15);
});

it('gives each subscriber its own viewerHasLiked', async () => {
  const [author, liker, other] = [await signUp(app), await signUp(app), await signUp(app)];
  await followUser(app, liker, author);
  await followUser(app, other, author);
  const query = `subscription { postCreated { author { posts(first: 2) { edges { node { viewerHasLiked } } } } } }`;
  const toLiker = openSocket(app, { token: liker.token }).subscribe(query);
  const toOther = openSocket(app, { token: other.token }).subscribe(query);
  await subscribersReach(app, 2);
  const liked = await createPost(app, author, { caption: 'liked' });
  await toLiker.next();
  await toOther.next();
  await likePost(app, liker, liked);

  await createPost(app, author, { caption: 'newer' });
  const flags = async (s: typeof toLiker) =>
    (await s.next()).data?.postCreated.author.posts.edges.map((e: any) => e.node.viewerHasLiked);
  expect(await flags(toLiker)).toEqual([false, true]);
  expect(await flags(toOther)).toEqual([false, false]);
});

it('answers each subscriber of a shared execution as itself, across documents and aliases', async () => {
  // Subscribers of one document share one execution, with the viewer-dependent fields filled in
  // per subscriber; another document (here: aliases and another shape) gets its own.
  const [author, liker, other] = [await signUp(app), await signUp(app), await signUp(app)];
  for (const follower of [liker, other]) await followUser(app, follower, author);
  await followUser(app, author, liker);
  const shape = `subscription { postCreated { caption author { username isViewer followsViewer } } }`;
  const aliased = `subscription { p: postCreated { c: caption mine: viewerHasLiked by: author { me: isViewer } } }`;
  const subscriptions = [liker, other, author].flatMap((user) => {
    const socket = openSocket(app, { token: user.token });
    return [socket.subscribe(shape), socket.subscribe(aliased)];
  });
  await subscribersReach(app, 6);
  await createPost(app, author, { caption: 'shared' });
  const [likerShape, likerAliased, otherShape, , authorShape, authorAliased] = await Promise.all(
    subscriptions.map(async (s) => (await s.next()).data),
  );
  const byAuthor = { caption: 'shared', author: { username: author.username } };
  expect(likerShape).toEqual({
    postCreated: { ...byAuthor, author: { ...byAuthor.author, isViewer: false, followsViewer: true } },
  });
  expect(otherShape).toEqual({
    postCreated: { ...byAuthor, author: { ...byAuthor.author, isViewer: false, followsViewer: false } },
  });
  expect(authorShape).toEqual({
    postCreated: { ...byAuthor, author: { ...byAuthor.author, isViewer: true, followsViewer: false } },
  });
  expect(likerAliased).toEqual({ p: { c: 'shared', mine: false, by: { me: false } } });
  expect(authorAliased).toEqual({ p: { c: 'shared', mine: false, by: { me: true } } });
});

it('closes the socket with 4403 when the session is revoked mid-stream', async () => {
  const [author, follower] = [await signUp(app), await signUp(app)];
  await followUser(app, follower, author);
  const socket = openSocket(app, { token: follower.token });
  const subscription = socket.subscribe(POST_CREATED);
  await subscribersReach(app, 1);
  expect((await app.gql(`mutation { logOut }`, {}, { token: follower.token })).data).toEqual({
    logOut: true,
  });

  await createPost(app, author);
  expect(await within(socket.closed, 'the socket to close')).toMatchObject({ code: 4403 });
  await expect(subscription.next()).rejects.toHaveProperty('code', 4403);
});

it('closes the socket with 4403 when the session expires mid-stream', async () => {
  const [author, follower] = [await signUp(app), await signUp(app)];
  await followUser(app, follower, author);
  const socket = openSocket(app, { token: follower.token });
  const subscription = socket.subscribe(POST_CREATED);
  await subscribersReach(app, 1);
  // the token was valid at connection_init; its expiry must be noticed by the next event
  await app.db.prisma.session.updateMany({
    where: { userId: dbIdOf(follower) },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });

  await createPost(app, author);
  // the post is not delivered: the subscription ends with the close instead
  await expect(subscription.next()).rejects.toHaveProperty('code', 4403);
  expect(await within(socket.closed, 'the socket to close')).toMatchObject({ code: 4403 });
});
