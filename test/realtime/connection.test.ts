import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../support/app';
import { dbIdOf, signUp } from '../support/scenario';
import {
  closeAllSockets,
  COMMENT_ADDED,
  openSocket,
  POST_CREATED,
  subscribersReach,
  within,
  type CloseInfo,
} from './support';

/**
 * The socket itself: who may connect (token, Origin), how much (frame size, sockets per user,
 * subscriptions per socket), which documents (the HTTP validation rules, subscriptions only),
 * and how it ends (4403, 4408, 1001).
 */
const ALLOWED_ORIGIN = 'https://app.example.com';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    CORS_ORIGINS: ALLOWED_ORIGIN,
    WS_MAX_SOCKETS_PER_USER: '2',
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2',
  });
});
afterEach(() => closeAllSockets(app));
afterAll(() => app.stop());

/** A raw `ws` socket speaking the graphql-ws subprotocol, for what the client library won't do. */
function rawSocket(target: TestApp): { ws: WebSocket; closed: Promise<CloseInfo> } {
  const ws = new WebSocket(target.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const closed = new Promise<CloseInfo>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return { ws, closed };
}

describe('authentication', () => {
  it('closes with 4403 on an unknown, a malformed or an expired token', async () => {
    const user = await signUp(app);
    await app.db.prisma.session.updateMany({
      where: { userId: dbIdOf(user) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    for (const authorization of [`Bearer ${'x'.repeat(43)}`, 'Basic dXNlcjpwYXNz', `Bearer ${user.token}`]) {
      const socket = openSocket(app, { connectionParams: { authorization } });
      expect(await within(socket.closed, `the close for ${authorization}`)).toEqual({
        code: 4403,
        reason: 'Forbidden',
      });
    }
  });

  it('accepts the token under "Authorization" too', async () => {
    const user = await signUp(app);
    openSocket(app, { connectionParams: { Authorization: `Bearer ${user.token}` } }).subscribe(POST_CREATED);
    await subscribersReach(app, 1);
  });

  it('closes with 4408 when no connection_init arrives in time', async () => {
    const impatient = await startTestApp({ WS_CONNECTION_INIT_TIMEOUT_MS: '200' }, { db: app.db });
    try {
      const { closed } = rawSocket(impatient);
      expect(await within(closed, 'the init timeout')).toEqual({
        code: 4408,
        reason: 'Connection initialisation timeout',
      });
    } finally {
      await impatient.stop();
    }
  });
});

describe('origin', () => {
  it('refuses an upgrade from a foreign origin', async () => {
    const socket = openSocket(app, { origin: 'https://evil.example' });
    expect((await within(socket.closed, 'the refusal')).code).toBe(1006);
    expect(socket.errors.map((e: any) => e.message)).toContain('Unexpected server response: 403');
  });

  it('accepts no Origin (non-browser clients), an allowed origin and the server itself', async () => {
    const origins = [undefined, ALLOWED_ORIGIN, new URL(app.url).origin];
    // anonymous postCreated is refused, but only once the socket was accepted and acknowledged
    const results = await Promise.all(
      origins.map((origin) => openSocket(app, { origin }).subscribe(POST_CREATED).next()),
    );
    for (const result of results) expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('limits', () => {
  it('closes the socket with 1009 on a frame over the size cap', async () => {
    const { ws, closed } = rawSocket(app);
    ws.once('open', () => ws.send('x'.repeat(2 * 1024 * 1024)));
    expect((await within(closed, 'the oversize close')).code).toBe(1009);
  });

  it('caps the sockets of one user (1008), and frees a place when one closes', async () => {
    const [user, other] = [await signUp(app), await signUp(app)];
    const first = openSocket(app, { token: user.token });
    first.subscribe(POST_CREATED);
    openSocket(app, { token: user.token }).subscribe(POST_CREATED);
    openSocket(app, { token: other.token }).subscribe(POST_CREATED);
    await subscribersReach(app, 3);

    const third = openSocket(app, { token: user.token });
    expect(await within(third.closed, 'the cap')).toEqual({
      code: 1008,
      reason: 'Too many connections for this user',
    });
    await first.client.dispose();
    openSocket(app, { token: user.token }).subscribe(POST_CREATED);
    await subscribersReach(app, 3);
  });

  it('gives a place back when the client drops while its token is still being checked', async () => {
    const user = await signUp(app);
    const max = app.config.WS_MAX_SOCKETS_PER_USER;
    const connectionsBefore = await openConnections(app);
    // The sessions table busy: every socket's authentication waits until it is released.
    await whileSessionsLocked(app, async () => {
      for (let i = 0; i < max + 2; i++) {
        const { ws } = rawSocket(app);
        await new Promise<void>((resolve) => ws.once('open', resolve));
        ws.send(
          JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user.token}` } }),
        );
        ws.terminate(); // as a phone entering a tunnel: no close frame
      }
      await within(waitForConnections(app, connectionsBefore), 'the server to see every drop');
    });
    // Every dropped socket has finished authenticating once a new one has: a leaked count
    // would close this one (and every later one) with 1008.
    openSocket(app, { token: user.token }).subscribe(POST_CREATED);
    openSocket(app, { token: user.token }).subscribe(POST_CREATED);
    await subscribersReach(app, 2);
  });

  it('caps the subscriptions of one socket', async () => {
    const user = await signUp(app);
    const socket = openSocket(app, { token: user.token });
    const first = socket.subscribe(POST_CREATED);
    socket.subscribe(POST_CREATED);
    await subscribersReach(app, 2);
    await expect(socket.subscribe(POST_CREATED).next()).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } }),
    ]);
    await first.unsubscribe();
    await subscribersReach(app, 1);
    socket.subscribe(POST_CREATED);
    await subscribersReach(app, 2);
  });
});

describe('documents', () => {
  it('applies the validation rules and refuses queries and mutations', async () => {
    const socket = openSocket(app);
    await expect(socket.subscribe(`subscription { postCreated { nope } }`).next()).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    ]);
    await expect(socket.subscribe(`{ viewer { id } }`).next()).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } }),
    ]);
  });

  it('runs the same extra rules on HTTP and on WebSocket', async () => {
    const strict = await startTestApp({ MAX_QUERY_DEPTH: '2' }, { db: app.db });
    try {
      const http = await strict.gql(`{ explore { edges { cursor } } }`);
      expect(http.errors?.[0]).toMatchObject({
        message: 'Query depth limit of 2 exceeded, found 3.',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      const ws = openSocket(strict).subscribe(COMMENT_ADDED, { postId: 'UG9zdDox' });
      await expect(ws.next()).rejects.toEqual([
        expect.objectContaining({ message: expect.stringMatching(/^Query depth limit of 2 exceeded/) }),
      ]);
    } finally {
      await closeAllSockets(strict);
      await strict.stop();
    }
  });
});

it('closes open sockets with 1001 on graceful shutdown', async () => {
  const leaving = await startTestApp({}, { db: app.db });
  const user = await signUp(leaving);
  const socket = openSocket(leaving, { token: user.token });
  socket.subscribe(POST_CREATED);
  await subscribersReach(leaving, 1);
  await leaving.stop();
  expect(await within(socket.closed, 'the shutdown close')).toEqual({ code: 1001, reason: 'Going away' });
});

/** Runs `body` while a transaction holds the sessions table exclusively, then releases it. */
async function whileSessionsLocked(target: TestApp, body: () => Promise<void>): Promise<void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let onLocked!: () => void;
  const locked = new Promise<void>((resolve) => (onLocked = resolve));
  const holder = target.db.prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe('LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE');
      onLocked();
      await released;
    },
    { timeout: 30_000 },
  );
  await locked;
  try {
    await body();
  } finally {
    release();
    await holder;
  }
}

/** TCP connections the server holds (HTTP keep-alive and WebSocket alike). */
function openConnections(target: TestApp): Promise<number> {
  return new Promise((resolve, reject) =>
    target.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

async function waitForConnections(target: TestApp, atMost: number): Promise<void> {
  while ((await openConnections(target)) > atMost) await new Promise((resolve) => setTimeout(resolve, 10));
}
