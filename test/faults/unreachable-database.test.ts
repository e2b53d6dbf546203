import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Database } from '../../src/db/database';
import { newSessionToken } from '../../src/auth/tokens';
import type { TestApp } from '../support/app';
import { freePort } from '../support/process';
import { LEAK_PATTERN, openFromSettings, readyStatus, startAppOver } from './support';

/**
 * A database that cannot be reached (here: a PostgreSQL URL on a port where nothing listens,
 * so this runs everywhere). The server stays up and answers every request quickly with
 * SERVICE_UNAVAILABLE and a generic message, never the driver's text; /healthz stays 200
 * (the process is fine) while /readyz says 503.
 */
const CONNECT_TIMEOUT_MS = 1_000;
const FAST_ENOUGH_MS = CONNECT_TIMEOUT_MS + 1_500;

let db: Database;
let app: TestApp;

beforeAll(async () => {
  const port = await freePort();
  db = await openFromSettings(`postgresql://postgres@127.0.0.1:${port}/postgres`, {
    DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
  });
  app = await startAppOver(db);
});
afterAll(async () => {
  await app.stop();
  await db.close();
});

async function timed<T>(request: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await request();
  return [result, Date.now() - started];
}

const UNAVAILABLE = {
  message: 'The service is temporarily unavailable. Try again shortly.',
  extensions: { code: 'SERVICE_UNAVAILABLE' },
};

it('answers a query with SERVICE_UNAVAILABLE, quickly and without the driver’s words', async () => {
  const [res, ms] = await timed(() => app.gql('{ explore(first: 2) { edges { node { id } } } }'));
  expect(res.errors).toEqual([expect.objectContaining(UNAVAILABLE)]);
  expect(res.text).not.toMatch(LEAK_PATTERN);
  expect(ms).toBeLessThan(FAST_ENOUGH_MS);
});

it('answers HTTP 503 when the token cannot even be checked', async () => {
  const [res, ms] = await timed(() => app.gql('{ viewer { id } }', {}, { token: newSessionToken() }));
  expect(res.status).toBe(503);
  expect(res.errors).toEqual([expect.objectContaining(UNAVAILABLE)]);
  expect(res.text).not.toMatch(LEAK_PATTERN);
  expect(ms).toBeLessThan(FAST_ENOUGH_MS);
});

it('answers a mutation with SERVICE_UNAVAILABLE', async () => {
  const res = await app.gql(`mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`, {
    input: { username: 'nobody_home', email: 'nobody@example.com', password: 'correct horse battery' },
  });
  expect(res.errors).toEqual([expect.objectContaining(UNAVAILABLE)]);
  expect(res.text).not.toMatch(LEAK_PATTERN);
});

it('is alive but not ready', async () => {
  expect((await fetch(app.url.replace(/\/graphql$/, '/healthz'))).status).toBe(200);
  const [status, ms] = await timed(() => readyStatus(app));
  expect(status).toBe(503);
  expect(ms).toBeLessThan(FAST_ENOUGH_MS);
});

it('closes a WebSocket whose token cannot be checked with 1013 (try again later)', async () => {
  let onClosed!: (info: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: app.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${newSessionToken()}` },
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: { closed: (event) => onClosed(event as { code: number; reason: string }) },
  });
  const { code, reason } = await closed;
  expect(code).toBe(1013);
  expect(reason).not.toMatch(LEAK_PATTERN);
  await client.dispose();
});
