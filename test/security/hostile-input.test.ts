import WebSocket from 'ws';
import { codesOf, startTestApp, type TestApp } from '../support/app';
import { createPostRow, signUp, type TestUser } from '../support/scenario';
import { applicationTables, digestTables } from '../support/tables';

/**
 * Input a client can send that the database cannot store or compare, answered as the client's
 * mistake: BAD_USER_INPUT naming the field (or BAD_REQUEST), nothing written, no budget spent,
 * nothing logged as a server failure.
 */
const logLines: Record<string, any>[] = [];
let app: TestApp;
let alice: TestUser;
let post: string;
beforeAll(async () => {
  app = await startTestApp(
    { LOG_LEVEL: 'info', RATE_LIMIT_LOGIN_ADDRESS: '3/1h', RATE_LIMIT_CREATE_POST: '2/1h' },
    { logLines },
  );
  alice = await signUp(app, 'alice');
  const created = await app.gql(
    `mutation { createPost(input: { caption: "hi", media: [{ url: "https://img.example/1.jpg" }] }) { id } }`,
    {},
    { token: alice.token },
  );
  post = created.data.createPost.id;
  await app.gql(
    `mutation ($id: ID!) { addComment(input: { postId: $id, body: "first" }) { id } }`,
    { id: post },
    { token: alice.token },
  );
});
afterAll(() => app.stop());

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
const media = (over: Record<string, unknown> = {}) => [{ url: 'https://img.example/2.jpg', ...over }];

/** [what, document, variables for a given bad string, the field named in the error, needs a viewer] */
const STRING_ARGUMENTS: [string, string, (bad: string) => Record<string, unknown>, string][] = [
  [
    'a caption',
    `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`,
    (bad) => ({ input: { caption: bad, media: media() } }),
    'caption',
  ],
  [
    'a media url',
    `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`,
    (bad) => ({ input: { media: media({ url: `https://img.example/${bad}` }) } }),
    'media.0.url',
  ],
  [
    'an altText',
    `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`,
    (bad) => ({ input: { media: media({ altText: bad }) } }),
    'media.0.altText',
  ],
  [
    'an edited caption',
    `mutation ($id: ID!, $c: String!) { editPost(id: $id, caption: $c) { id } }`,
    (bad) => ({ id: post, c: bad }),
    'caption',
  ],
  [
    'a comment body',
    `mutation ($input: AddCommentInput!) { addComment(input: $input) { id } }`,
    (bad) => ({ input: { postId: post, body: bad } }),
    'body',
  ],
  [
    'a displayName',
    `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }`,
    (bad) => ({ input: { displayName: bad } }),
    'displayName',
  ],
  [
    'a bio',
    `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }`,
    (bad) => ({ input: { bio: bad } }),
    'bio',
  ],
  [
    'a search query',
    `query ($q: String!) { searchUsers(query: $q) { edges { cursor } } }`,
    (bad) => ({ q: bad }),
    'query',
  ],
  [
    'a username to look up',
    `query ($u: String!) { user(username: $u) { id } }`,
    (bad) => ({ u: bad }),
    'username',
  ],
  [
    'a login',
    `mutation ($input: LogInInput!) { logIn(input: $input) { token } }`,
    (bad) => ({ input: { login: bad, password: 'whatever-password' } }),
    'login',
  ],
  [
    'a sign-up email',
    `mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`,
    (bad) => ({
      input: { username: 'mallory', email: `m${bad}@example.com`, password: 'long-enough-password' },
    }),
    'email',
  ],
  ['a global ID', `query ($id: ID!) { node(id: $id) { id } }`, (bad) => ({ id: bad }), 'id'],
  [
    'a cursor',
    `query ($after: String) { explore(after: $after) { edges { cursor } } }`,
    (bad) => ({ after: bad }),
    'after',
  ],
];

describe.each([
  ['a NUL character', NUL, 'BAD_USER_INPUT'],
  // graphql-js's lexer refuses a lone surrogate escape in a document
  ['an unpaired surrogate', LONE_SURROGATE, 'GRAPHQL_PARSE_FAILED'],
])('%s in any string argument', (_what, bad, inDocument) => {
  it.each(STRING_ARGUMENTS)(
    'in %s: BAD_USER_INPUT naming the field, nothing written',
    async (_name, query, variables, field) => {
      const tables = await applicationTables(app.db);
      const before = await digestTables(app.db, tables);
      const res = await app.gql(query, variables(bad), { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field } }),
      ]);
      expect(await digestTables(app.db, tables)).toEqual(before);
    },
  );

  it('in an inline literal too', async () => {
    const literal = JSON.stringify(bad); // GraphQL strings take JSON's escapes
    const res = await app.gql(`query { searchUsers(query: ${literal}) { edges { cursor } } }`);
    expect(codesOf(res)).toEqual([inDocument]);
  });

  it('in a subscription argument sent over HTTP is refused before it runs', async () => {
    const res = await app.gql(`subscription ($id: ID!) { commentAdded(postId: $id) { id } }`, { id: bad });
    expect(res.status).toBe(400);
    expect(codesOf(res)).toEqual(['BAD_REQUEST']);
  });
});

describe('no budget is spent on a refused string', () => {
  it('logIn: more refusals than the address budget, then a real login still works', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await app.gql(`mutation ($input: LogInInput!) { logIn(input: $input) { token } }`, {
        input: { login: NUL, password: 'whatever-password' },
      });
      expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    }
    const ok = await app.gql(`mutation ($input: LogInInput!) { logIn(input: $input) { token } }`, {
      input: { login: 'alice', password: alice.password },
    });
    expect(ok.errors).toBeUndefined();
  });

  it('createPost: more refusals than the post budget, then a real post still goes in', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await app.gql(
        `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`,
        { input: { caption: NUL, media: media() } },
        { token: alice.token },
      );
      expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    }
    const ok = await app.gql(
      `mutation { createPost(input: { caption: "still here", media: [{ url: "https://img.example/3.jpg" }] }) { caption } }`,
      {},
      { token: alice.token },
    );
    expect(ok.data).toEqual({ createPost: { caption: 'still here' } });
  });
});

describe('forged cursors that decode but are out of range', () => {
  const cursor = (...values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
  const FORGED: [string, string, string, Record<string, unknown>][] = [
    [
      'an id above 2^63-1',
      'explore',
      cursor('explore', '2024-01-01T00:00:00.000Z', '9223372036854775808'),
      {},
    ],
    [
      'an id below -2^63',
      'explore',
      cursor('explore', '2024-01-01T00:00:00.000Z', '-9999999999999999999'),
      {},
    ],
    ['a date in year -100000', 'explore', cursor('explore', '-100000-01-01T00:00:00.000Z', '1'), {}],
    ['a date in year 275760', 'explore', cursor('explore', '+275760-09-13T00:00:00.000Z', '1'), {}],
    ['a date not written as this server writes it', 'explore', cursor('explore', '2024-01-01', '1'), {}],
    ['a NUL in a search cursor', 'searchUsers', cursor('searchUsers', 1, 'al\u0000ice'), { query: 'al' }],
    ['a rank beyond int4', 'searchUsers', cursor('searchUsers', 2 ** 40, 'alice'), { query: 'al' }],
    ['a fractional rank', 'searchUsers', cursor('searchUsers', 1.5, 'alice'), { query: 'al' }],
  ];
  it.each(FORGED)('%s: BAD_USER_INPUT on after', async (_what, field, after, args) => {
    const argList = Object.entries(args).map(([name, value]) => `${name}: ${JSON.stringify(value)}, `);
    const res = await app.gql(
      `query ($after: String) { ${field}(${argList.join('')}after: $after) { edges { cursor } } }`,
      { after },
    );
    expect(res.errors).toEqual([
      expect.objectContaining({
        message: 'Invalid cursor.',
        extensions: { code: 'BAD_USER_INPUT', field: 'after' },
      }),
    ]);
  });

  it('a cursor this server wrote is still accepted', async () => {
    await createPostRow(app, alice, { createdAt: new Date('2024-01-01T00:00:00.000Z') });
    const first = await app.gql(`{ explore(first: 1) { pageInfo { endCursor } } }`);
    const next = await app.gql(
      `query ($after: String) { explore(first: 1, after: $after) { edges { cursor } } }`,
      {
        after: first.data.explore.pageInfo.endCursor,
      },
    );
    expect(next.errors).toBeUndefined();
    expect(next.data.explore.edges).toHaveLength(1);
  });
});

describe('transport', () => {
  it('an APQ hash that does not match its query: BAD_REQUEST, 400', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ viewer { id } }',
        extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } },
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown }).errors).toEqual([
      { message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } },
    ]);
  });

  it('a subscription over HTTP: BAD_REQUEST, 400, pointing to WebSocket and the event stream', async () => {
    const res = await app.gql(`subscription { postCreated { id } }`, {}, { token: alice.token });
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      expect.objectContaining({
        message:
          'Subscriptions are served over WebSocket (graphql-ws) at /graphql and over Server-Sent Events ' +
          '(graphql-sse) at /graphql/stream.',
        extensions: { code: 'BAD_REQUEST' },
      }),
    ]);
  });
});

describe('logs', () => {
  it('client mistakes are logged at info without a stack; nothing at error', async () => {
    logLines.length = 0;
    await app.gql(`{ nope }`);
    await app.gql(`query ($q: String!) { searchUsers(query: $q) { edges { cursor } } }`, { q: NUL });
    await app.gql(`mutation { deletePost(id: "${post}") }`);
    await app.gql(`subscription { postCreated { id } }`);
    const operations = logLines.filter((line) => line.msg === 'graphql operation');
    expect(operations.map((line) => line.errors)).toEqual([
      ['GRAPHQL_VALIDATION_FAILED'],
      ['BAD_USER_INPUT'],
      ['UNAUTHENTICATED'],
      ['BAD_REQUEST'],
    ]);
    expect(logLines.filter((line) => line.level >= 40)).toEqual([]);
    expect(JSON.stringify(logLines)).not.toContain('stack');
  });

  it('a frame over the size cap closes the socket (1009), logged at info, not as an internal error', async () => {
    const consoleError = jest.spyOn(console, 'error');
    logLines.length = 0;
    const ws = new WebSocket(app.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.once('open', () => ws.send('x'.repeat(app.config.WS_MAX_PAYLOAD_BYTES + 1)));
    expect(await closed).toBe(1009);
    expect(consoleError).not.toHaveBeenCalled();
    expect(logLines).toEqual([
      expect.objectContaining({ level: 30, code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' }),
    ]);
    consoleError.mockRestore();
  });
});
