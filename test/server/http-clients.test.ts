import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express from 'express';
import { compressResponses } from '../../src/server/compression';
import { closeAllSockets, openSocket, POST_CREATED, within } from '../realtime/support';
import { startTestApp, type TestApp } from '../support/app';
import { createPostRow, signUp } from '../support/scenario';

/**
 * What a browser or mobile client meets on HTTP: compression as negotiated by Accept-Encoding,
 * and CORS, which outside production lets a dev server on localhost in without configuration.
 * (GET without a preflight header and CSRF are in test/security/transport.test.ts.)
 */
const DEV_SERVER = 'http://localhost:5173';
const FRONT_END = 'https://app.example.com';

let development: TestApp;
let production: TestApp;
beforeAll(async () => {
  development = await startTestApp({ NODE_ENV: 'development' });
  production = await startTestApp(
    { NODE_ENV: 'production', CORS_ORIGINS: FRONT_END, COMPRESSION: 'off' },
    { db: development.db },
  );
  const author = await signUp(development);
  // an explore page well over the compression threshold
  const caption = 'Evening light over the bay, the ferry coming in, gulls over the harbour wall';
  for (let i = 0; i < 10; i++) await createPostRow(development, author, { caption: `${caption} (${i})` });
});
afterEach(async () => {
  await closeAllSockets(development);
  await closeAllSockets(production);
});
afterAll(async () => {
  await production.stop();
  await development.stop();
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** the bytes as sent, not decompressed (fetch would decompress them) */
  body: Buffer;
}

/** One request with exactly the given headers: node:http adds no Accept-Encoding of its own. */
function request(
  url: string,
  {
    method = 'POST',
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const EXPLORE =
  '{ explore(first: 10) { edges { cursor node { id caption createdAt author { username } } } } }';
const SMALL = '{ viewer { id } }';

const graphql = (app: TestApp, query: string, headers: Record<string, string> = {}) =>
  request(app.url, {
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });

const decode = (res: RawResponse): unknown => {
  const encoding = res.headers['content-encoding'];
  const bytes =
    encoding === 'gzip'
      ? gunzipSync(res.body)
      : encoding === 'br'
        ? brotliDecompressSync(res.body)
        : res.body;
  return JSON.parse(bytes.toString('utf8'));
};

describe('compression', () => {
  it('answers gzip, br and identity as asked, with the same JSON and Vary: Accept-Encoding', async () => {
    const identity = await graphql(development, EXPLORE, { 'accept-encoding': 'identity' });
    expect(identity.status).toBe(200);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.length).toBeGreaterThan(2_000);
    const page = JSON.parse(identity.body.toString('utf8')) as { data: { explore: { edges: unknown[] } } };
    expect(page.data.explore.edges).toHaveLength(10);

    for (const [accept, expected] of [
      ['gzip', 'gzip'],
      ['br', 'br'],
      // what browsers send: brotli is preferred when both are acceptable
      ['gzip, deflate, br, zstd', 'br'],
      ['br;q=0.5, gzip', 'gzip'],
    ] as const) {
      const res = await graphql(development, EXPLORE, { 'accept-encoding': accept });
      expect({ accept, encoding: res.headers['content-encoding'] }).toEqual({ accept, encoding: expected });
      expect(res.body.length).toBeLessThan(identity.body.length / 2);
      expect(decode(res)).toEqual(page);
    }
    for (const res of [identity, await graphql(development, EXPLORE)]) {
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers.vary).toMatch(/accept-encoding/i);
    }
  });

  it('does not compress a small response, but still says it varies by Accept-Encoding', async () => {
    const res = await graphql(development, SMALL, { 'accept-encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ data: { viewer: null } });
  });

  it("keeps a GET's ETag the same for every encoding, so a conditional GET still gets 304", async () => {
    const url = `${development.url}?query=${encodeURIComponent(EXPLORE)}`;
    const plain = await request(url, { method: 'GET' });
    const gzipped = await request(url, { method: 'GET', headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(plain.headers.etag).toBeDefined();
    expect(gzipped.headers.etag).toBe(plain.headers.etag);
    const again = await request(url, {
      method: 'GET',
      headers: { 'accept-encoding': 'gzip', 'if-none-match': plain.headers.etag! },
    });
    expect(again.status).toBe(304);
    expect(again.headers['content-encoding']).toBeUndefined();
    expect(again.body.length).toBe(0);
  });

  it('is off with COMPRESSION=off (a reverse proxy compresses instead)', async () => {
    const res = await graphql(production, EXPLORE, { 'accept-encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary ?? '').not.toMatch(/accept-encoding/i);
    expect(res.body.length).toBeGreaterThan(2_000);
  });

  it('never holds back an event stream: each event reaches the client as it is written', async () => {
    for (const type of ['text/event-stream', 'multipart/mixed; boundary="-"']) {
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const app = express();
      app.use(compressResponses());
      app.get('/stream', async (_req, res) => {
        res.setHeader('content-type', type);
        // one event well over the threshold, written without ending the response
        res.write(`data: ${'x'.repeat(4_000)}\n\n`);
        await finished;
        res.end();
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        // with the event held in a compressor, not even the headers would arrive
        const first = await within(
          new Promise<{ res: http.IncomingMessage; chunk: Buffer }>((resolve, reject) =>
            http
              .get(
                `http://127.0.0.1:${port}/stream`,
                { agent: false, headers: { 'accept-encoding': 'gzip, br' } },
                (res) => res.once('data', (chunk: Buffer) => resolve({ res, chunk })),
              )
              .on('error', reject),
          ),
          `the first event of a ${type} response`,
          3_000,
        );
        expect(first.res.headers['content-encoding']).toBeUndefined();
        expect(first.chunk.toString()).toMatch(/^data: x+/);
      } finally {
        finish();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });
});

describe('CORS', () => {
  const preflight = (app: TestApp, origin: string) =>
    request(app.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });

  it('lets a dev server on localhost or 127.0.0.1, on any port, in outside production', async () => {
    for (const origin of [DEV_SERVER, 'http://127.0.0.1:8080', 'http://localhost:3000']) {
      const res = await preflight(development, origin);
      expect({ origin, status: res.status }).toEqual({ origin, status: 204 });
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-headers']).toMatch(/authorization/i);
    }
    const actual = await graphql(development, SMALL, { origin: DEV_SERVER });
    expect(actual.headers['access-control-allow-origin']).toBe(DEV_SERVER);
  });

  it('answers a preflight from any other origin with 403 and the setting to change', async () => {
    for (const origin of [
      'https://evil.example',
      'http://localhost.evil.example:5173',
      'https://localhost:5173',
    ]) {
      const res = await preflight(development, origin);
      expect({ origin, status: res.status }).toEqual({ origin, status: 403 });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const body = JSON.parse(res.body.toString('utf8')) as { errors: { message: string }[] };
      expect(body.errors[0]!.message).toContain(`Origin ${origin} may not call this API`);
      expect(body.errors[0]!.message).toContain('CORS_ORIGINS');
      expect(res.body.toString()).not.toMatch(/Cross-Site Request Forgery/);
    }
  });

  it('in production, allows only CORS_ORIGINS: localhost is refused unless listed', async () => {
    const refused = await preflight(production, DEV_SERVER);
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.body.toString()).toContain('CORS_ORIGINS');
    expect(refused.body.toString()).not.toContain('Outside production');

    const allowed = await preflight(production, FRONT_END);
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(FRONT_END);
    const actual = await graphql(production, SMALL, { origin: FRONT_END });
    expect(actual.headers['access-control-allow-origin']).toBe(FRONT_END);
    expect((await graphql(production, SMALL, { origin: DEV_SERVER })).headers).not.toHaveProperty(
      'access-control-allow-origin',
    );
  });

  it('applies the same origins to WebSocket upgrades', async () => {
    // anonymous postCreated is refused, but only once the socket was accepted and acknowledged
    const accepted = await openSocket(development, { origin: DEV_SERVER }).subscribe(POST_CREATED).next();
    expect(accepted.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const refused = openSocket(production, { origin: DEV_SERVER });
    expect((await within(refused.closed, 'the refusal')).code).toBe(1006);
    expect(refused.errors.map((e: any) => e.message)).toContain('Unexpected server response: 403');
  });
});
