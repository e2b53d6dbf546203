import { startTestApp, type TestApp } from '../support/app';
import { createPost, dbIdOf, followUser, signUp } from '../support/scenario';
import {
  closeAllSockets,
  COMMENT_ADDED,
  openSocket,
  POST_CREATED,
  subscribersReach,
  within,
} from './support';
import { closeAllStreams, openStream, refusalOf, streamUrl } from './stream-support';

/**
 * Subscriptions over Server-Sent Events (graphql-sse at /graphql/stream) with a real client:
 * the same events, authentication, limits and endings as over WebSocket, and what a client
 * that reaches the endpoint the wrong way is told.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ WS_MAX_SOCKETS_PER_USER: '2' });
});
afterEach(() => Promise.all([closeAllSockets(app), closeAllStreams(app)]));
afterAll(() => app.stop());

describe('events', () => {
  it('delivers a new post to a follower, with its own viewer fields, and not to a stranger', async () => {
    const [author, follower, stranger] = [await signUp(app), await signUp(app), await signUp(app)];
    await followUser(app, follower, author);
    const toFollower = openStream(app, POST_CREATED, { token: follower.token });
    const toStranger = openStream(app, POST_CREATED, { token: stranger.token });
    await subscribersReach(app, 2);

    const postId = await createPost(app, author, { caption: 'over SSE' });
    expect(await toFollower.next()).toEqual({
      data: {
        postCreated: {
          id: postId,
          caption: 'over SSE',
          author: { username: author.username, viewerIsFollowing: true, isViewer: false },
          viewerHasLiked: false,
        },
      },
    });
    // the stranger's next result is its own post: the author's never came
    const own = await createPost(app, stranger);
    expect((await toStranger.next()).data?.postCreated.id).toBe(own);
  });

  it('shares one hub with WebSocket subscribers: one event reaches both', async () => {
    const [author, follower] = [await signUp(app), await signUp(app)];
    await followUser(app, follower, author);
    const overStream = openStream(app, POST_CREATED, { token: follower.token });
    const overSocket = openSocket(app, { token: follower.token }).subscribe(POST_CREATED);
    await subscribersReach(app, 2);

    const postId = await createPost(app, author);
    const delivered = await overStream.next();
    expect(delivered.data?.postCreated.id).toBe(postId);
    expect(await overSocket.next()).toEqual(delivered);
  });
});

describe('authentication', () => {
  it('treats no token as anonymous: postCreated answers UNAUTHENTICATED, then completes', async () => {
    const stream = openStream(app, POST_CREATED);
    const result = await stream.next();
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    await stream.completed();
  });

  it('refuses an unknown, a malformed or an expired token with 401 before subscribing', async () => {
    const user = await signUp(app);
    await app.db.prisma.session.updateMany({
      where: { userId: dbIdOf(user) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    for (const token of ['shutter_not-a-real-token', 'x', user.token]) {
      expect(await refusalOf(openStream(app, POST_CREATED, { token }))).toEqual({
        status: 401,
        body: { errors: [{ message: 'Invalid or expired token.', extensions: { code: 'UNAUTHENTICATED' } }] },
      });
    }
    expect(app.app.realtime.subscriberCount()).toBe(0);
  });

  it('ends the stream with UNAUTHENTICATED when the session is revoked mid-stream', async () => {
    const [author, follower] = [await signUp(app), await signUp(app)];
    await followUser(app, follower, author);
    const stream = openStream(app, POST_CREATED, { token: follower.token });
    await subscribersReach(app, 1);
    expect((await app.gql(`mutation { logOut }`, {}, { token: follower.token })).data).toEqual({
      logOut: true,
    });

    await createPost(app, author);
    expect(await stream.next()).toEqual({
      errors: [{ message: 'Invalid or expired token.', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    await stream.completed();
    await subscribersReach(app, 0);
  });
});

describe('limits', () => {
  it('counts streams and sockets in one per-user budget; a closed stream gives its place back', async () => {
    const [user, other] = [await signUp(app), await signUp(app)];
    openSocket(app, { token: user.token }).subscribe(POST_CREATED);
    const stream = openStream(app, POST_CREATED, { token: user.token });
    openStream(app, POST_CREATED, { token: other.token });
    await subscribersReach(app, 3);

    expect(await refusalOf(openStream(app, POST_CREATED, { token: user.token }))).toEqual({
      status: 429,
      body: {
        errors: [
          { message: 'Too many connections for this user (at most 2).', extensions: { code: 'BAD_REQUEST' } },
        ],
      },
    });
    const socket = openSocket(app, { token: user.token });
    expect(await within(socket.closed, 'the cap')).toMatchObject({ code: 1008 });

    await stream.close(); // the client goes away: the server notices and frees the place
    await subscribersReach(app, 2);
    openStream(app, POST_CREATED, { token: user.token });
    await subscribersReach(app, 3);
  });

  it('applies the operation limits and refuses queries and mutations, in the stream', async () => {
    const strict = await startTestApp({ MAX_QUERY_DEPTH: '2' }, { db: app.db });
    try {
      const deep = openStream(strict, COMMENT_ADDED, { variables: { postId: 'UG9zdDox' } });
      expect(await deep.next()).toEqual({
        errors: [
          expect.objectContaining({
            message: expect.stringMatching(/^Query depth limit of 2 exceeded/),
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          }),
        ],
      });
      await deep.completed();
      expect((await openStream(strict, `{ viewer { id } }`).next()).errors).toEqual([
        {
          message: 'Only subscriptions are served here; send queries and mutations to POST /graphql.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ]);
    } finally {
      await closeAllStreams(strict);
      await strict.stop();
    }
  });

  it('runs the schema-level input checks: a NUL in an argument is BAD_USER_INPUT', async () => {
    const result = await openStream(app, COMMENT_ADDED, { variables: { postId: 'UG9zd\u0000Dox' } }).next();
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^postId must be text without /),
        extensions: { code: 'BAD_USER_INPUT', field: 'postId' },
      }),
    ]);
  });
});

describe('the endpoint', () => {
  it('answers a subscription over POST /graphql with a 400 naming both endpoints', async () => {
    const res = await app.gql(POST_CREATED);
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('/graphql/stream'),
        extensions: { code: 'BAD_REQUEST' },
      }),
    ]);
    expect(res.errors?.[0]?.message).toContain('WebSocket (graphql-ws) at /graphql');
  });

  it('tells a client that does not ask for an event stream what to send', async () => {
    const res = await fetch(streamUrl(app), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: POST_CREATED }),
    });
    expect(res.status).toBe(406);
    expect(await res.json()).toEqual({
      errors: [
        {
          message: expect.stringContaining('Accept: text/event-stream'),
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  it('serves GET with the operation in the query string, as an EventSource sends it', async () => {
    const url = `${streamUrl(app)}?query=${encodeURIComponent(POST_CREATED)}`;
    const controller = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-request-id')).toMatch(/./);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    // anonymous: the refusal comes as an event, then the stream completes
    const text = await within(res.text(), 'the stream to end');
    expect(text).toContain('event: next');
    expect(text).toContain('"UNAUTHENTICATED"');
    expect(text).toContain('event: complete');
  });
});

it('ends open streams on graceful shutdown, without completing them, so that clients reconnect', async () => {
  // A long grace period: the stream must end because shutdown ends it, not because time ran out.
  const leaving = await startTestApp({ SHUTDOWN_GRACE_MS: '60000' }, { db: app.db });
  const user = await signUp(leaving);
  const stream = openStream(leaving, POST_CREATED, { token: user.token });
  await subscribersReach(leaving, 1);
  const started = Date.now();
  await within(leaving.stop(), 'the shutdown', 15_000);
  expect(Date.now() - started).toBeLessThan(10_000);
  await expect(stream.next()).rejects.toThrow('Connection closed while having active streams');
});
