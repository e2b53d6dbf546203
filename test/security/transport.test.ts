import { startTestApp, type TestApp } from '../support/app';

/**
 * HTTP transport: body size, CSRF prevention, mutations over GET, CORS allow-list, and no
 * stack trace in any transport-level error. (WebSocket origins and the 1009 frame cap are
 * proven in test/realtime/connection.test.ts.)
 */
const ALLOWED_ORIGIN = 'https://app.example.com';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ CORS_ORIGINS: ALLOWED_ORIGIN, HTTP_MAX_BODY_BYTES: '4096' });
});
afterAll(() => app.stop());

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(app.url, { method: 'POST', headers, body });

describe('request body', () => {
  it('refuses a body over HTTP_MAX_BODY_BYTES with 413, as JSON and without a stack trace', async () => {
    const password = 'x'.repeat(5_000);
    const { result: res, statements } = await app.db.statements.capture(() =>
      post(
        JSON.stringify({
          query: `mutation { logIn(input: { login: "a", password: "${password}" }) { token } }`,
        }),
      ),
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      errors: [{ message: 'Request body too large.', extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(statements).toEqual([]);
  });

  it('answers malformed JSON with 400, without a stack trace', async () => {
    const res = await post('{"query": "{ viewer { id } }"');
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: 'Request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(text).not.toMatch(/at .*\.js|node_modules|SyntaxError/);
  });
});

describe('CSRF prevention', () => {
  it('refuses a simple (non-preflighted) POST such as text/plain or a form', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const res = await post(JSON.stringify({ query: 'mutation { logOut }' }), {
        'content-type': contentType,
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(
        'This operation has been blocked as a potential Cross-Site Request Forgery',
      );
    }
  });

  it('refuses a simple POST whatever its operation, and one with no content-type at all', async () => {
    const query = JSON.stringify({ query: '{ viewer { id } }' });
    for (const headers of [{ 'content-type': 'text/plain;charset=UTF-8' }, {}] as Record<string, string>[]) {
      const res = await post(query, headers);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        errors: [
          {
            message: expect.stringContaining('blocked as a potential Cross-Site Request Forgery'),
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      });
    }
  });

  // Bearer tokens are never sent by a browser on its own, so a cross-site GET runs as
  // anonymous, and without CORS headers its answer stays hidden from the page that sent it.
  it("serves a query over GET without a preflight header (urql's default), as anonymous", async () => {
    const res = await fetch(`${app.url}?query=${encodeURIComponent('{ viewer { id } }')}`, {
      headers: {
        // urql 6's default for a query
        accept:
          'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed',
        origin: 'https://evil.example',
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { viewer: null } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('still refuses a mutation over GET without a preflight header: 405, before any SQL', async () => {
    const { result: res, statements } = await app.db.statements.capture(() =>
      fetch(`${app.url}?query=${encodeURIComponent('mutation { logOut }')}`),
    );
    expect(res.status).toBe(405);
    expect(statements).toEqual([]);
  });
});

describe('GET', () => {
  const get = (query: string) =>
    fetch(`${app.url}?query=${encodeURIComponent(query)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });

  it('serves queries', async () => {
    const res = await get('{ viewer { id } }');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { viewer: null } });
  });

  it('marks every answer no-store: it may be personal, and no field is cacheable', async () => {
    const viaGet = await get('{ explore(first: 1) { edges { cursor } } }');
    const viaPost = await post(JSON.stringify({ query: '{ viewer { id } }' }));
    const failed = await post(JSON.stringify({ query: '{ nope }' }));
    for (const res of [viaGet, viaPost, failed]) expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses mutations with 405 and Allow: POST, before any SQL', async () => {
    const { result: res, statements } = await app.db.statements.capture(() =>
      get(
        'mutation { signUp(input: { username: "viaget", email: "g@example.com", password: "long enough" }) { token } }',
      ),
    );
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(statements).toEqual([]);
    expect(await app.db.prisma.user.count({ where: { username: 'viaget' } })).toBe(0);
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(app.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });

  it('allows the listed origins', async () => {
    const res = await preflight(ALLOWED_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const actual = await post(JSON.stringify({ query: '{ viewer { id } }' }), {
      'content-type': 'application/json',
      origin: ALLOWED_ORIGIN,
    });
    expect(actual.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
  });

  it('gives any other origin no CORS headers, so browsers keep the response from it', async () => {
    const res = await preflight('https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await post(JSON.stringify({ query: '{ viewer { id } }' }), {
      'content-type': 'application/json',
      origin: 'https://evil.example',
    });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });
});
