import { randomUUID } from 'node:crypto';
import { buildSchema, execute, parse } from 'graphql';
import { compileQuery } from 'graphql-jit';
import { compiledExecutor } from '../../src/server/compiled-executor';
import { startTestApp, type TestApp } from '../support/app';
import { addComment, createPost, followUser, likePost, signUp, type TestUser } from '../support/scenario';

jest.mock('graphql-jit', () => {
  const actual = jest.requireActual<typeof import('graphql-jit')>('graphql-jit');
  return { ...actual, compileQuery: jest.fn(actual.compileQuery) };
});
const compileCalls = compileQuery as jest.MockedFunction<typeof compileQuery>;

/**
 * The operations of the test suite's documents that reach execution, and the ones refused on
 * the way (parse, validation, cost, token, variables): each is answered by a compiled app and a
 * graphql-js app over the same database, and the two responses must be the same bytes.
 */
const POST_FIELDS = `id caption createdAt editedAt likeCount commentCount viewerHasLiked
  media { url altText width height }
  author { id username displayName isViewer viewerIsFollowing followsViewer }`;
const PAGE = (node: string) => `edges { cursor node { ${node} } } pageInfo { hasNextPage endCursor }`;

type Operation = { name: string; query: string; variables?: Record<string, unknown>; as?: 'alice' };

function operations(ids: { post: string; bob: string }): Operation[] {
  return [
    { name: 'feed', as: 'alice', query: `{ feed(first: 5) { ${PAGE(POST_FIELDS)} } }` },
    {
      name: 'feed page 2 with comments and likers',
      as: 'alice',
      query: `query ($after: String) { feed(first: 2, after: $after) { ${PAGE(
        `${POST_FIELDS} comments(first: 2) { ${PAGE('id body createdAt author { username }')} }
         likedBy(first: 3) { ${PAGE('username')} }`,
      )} } }`,
      variables: { after: null },
    },
    {
      name: 'fragments, @skip and @include',
      as: 'alice',
      query: `query ($withComments: Boolean!, $noMedia: Boolean!) {
        feed(first: 3) { edges { node { ...P comments(first: 1) @include(if: $withComments) { edges { node { body } } } } } }
      }
      fragment P on Post { id caption media @skip(if: $noMedia) { url } author { ...U } }
      fragment U on User { username followerCount }`,
      variables: { withComments: true, noMedia: true },
    },
    { name: 'explore, anonymous', query: `{ explore(first: 4) { ${PAGE(POST_FIELDS)} } }` },
    {
      name: 'profile',
      query: `query ($u: String!) { user(username: $u) { id username bio avatarUrl postCount followerCount followingCount
        followers(first: 5) { ${PAGE('username')} } following { ${PAGE('username')} } posts(first: 2) { ${PAGE('caption')} } } }`,
      variables: { u: 'bob' },
    },
    { name: 'no such user', query: `{ user(username: "nobody") { id } }` },
    {
      name: 'post detail',
      as: 'alice',
      query: `query ($id: ID!) { post(id: $id) { ${POST_FIELDS} comments { ${PAGE('id body post { id }')} } } }`,
      variables: { id: ids.post },
    },
    {
      name: 'nodes, typename and aliases',
      query: `query ($p: ID!, $u: ID!) { p: node(id: $p) { __typename id ... on Post { caption } }
        u: node(id: $u) { __typename ... on User { username } } }`,
      variables: { p: ids.post, u: ids.bob },
    },
    { name: 'a malformed id', query: `{ node(id: "not-an-id") { id } }` },
    { name: 'viewer', as: 'alice', query: `{ viewer { username isViewer } }` },
    { name: 'viewer, anonymous', query: `{ viewer { username } }` },
    { name: 'feed, anonymous (UNAUTHENTICATED)', query: `{ feed { edges { cursor } } }` },
    {
      name: 'search',
      query: `query ($q: String!) { searchUsers(query: $q, first: 3) { ${PAGE('username displayName')} } }`,
      variables: { q: 'a' },
    },
    { name: 'a bad cursor', query: `{ explore(after: "garbage") { edges { cursor } } }` },
    { name: 'first out of range', query: `{ explore(first: -1) { edges { cursor } } }` },
    {
      name: 'variables that do not coerce',
      query: `query ($n: Int) { explore(first: $n) { edges { cursor } } }`,
      variables: { n: 'many' },
    },
    { name: 'a required variable missing', query: `query ($u: String!) { user(username: $u) { id } }` },
    { name: 'two anonymous operations', query: `{ viewer { id } } { explore { edges { cursor } } }` },
    {
      name: 'over the cost limit',
      query: `{ explore(first: 100) { edges { node { likedBy(first: 100) { edges { node { followers(first: 100) { edges { cursor } } } } } } } } }`,
    },
    { name: 'a validation error', query: `{ viewr { id } }` },
    { name: 'a syntax error', query: `{ viewer { id ` },
    { name: 'a subscription over HTTP', query: `subscription { postCreated { id } }` },
    {
      name: 'introspection',
      query: `{ __schema { queryType { name } } __type(name: "Post") { fields { name } } }`,
    },
  ];
}

let compiled: TestApp;
let reference: TestApp;
let ids: { post: string; bob: string };
let alice: TestUser;
beforeAll(async () => {
  compiled = await startTestApp({ GRAPHQL_EXECUTOR: 'compiled' });
  reference = await startTestApp({ GRAPHQL_EXECUTOR: 'graphql-js' }, { db: compiled.db });
  alice = await signUp(compiled, 'alice');
  const bob = await signUp(compiled, 'bob');
  const carol = await signUp(compiled, 'carol');
  await followUser(compiled, alice, bob);
  await followUser(compiled, carol, bob);
  const posts: string[] = [];
  for (const [author, caption] of [
    [bob, 'bob 1'],
    [alice, 'alice 1'],
    [bob, 'bob 2'],
    [carol, 'carol 1'],
  ] as const) {
    const id = await createPost(compiled, author, { caption });
    await addComment(compiled, carol, id, `carol on ${caption}`);
    await likePost(compiled, alice, id);
    posts.push(id);
  }
  ids = { post: posts[0]!, bob: bob.id };
});
afterAll(async () => {
  await reference.stop();
  await compiled.stop();
});

async function send(app: TestApp, op: Operation, requestId: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
  if (op.as) headers.authorization = `Bearer ${alice.token}`;
  const res = await fetch(app.url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: op.query, variables: op.variables }),
  });
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: await res.text() };
}

describe('the compiled executor answers what graphql-js answers, byte for byte', () => {
  it.each([
    ['first run (compiles)', true],
    ['second run (cached)', false],
  ])('%s', async (_run, compiles) => {
    compileCalls.mockClear();
    for (const op of operations(ids)) {
      const requestId = randomUUID();
      const [fromCompiled, fromReference] = [
        await send(compiled, op, requestId),
        await send(reference, op, requestId),
      ];
      expect({ op: op.name, ...fromCompiled }).toEqual({ op: op.name, ...fromReference });
    }
    // The queries that reach execution: compiled on the first run, from the cache after.
    expect(compileCalls.mock.calls.length > 0).toBe(compiles);
  });

  it('masks an invalid token the same way (401)', async () => {
    const op = { name: 'viewer', query: '{ viewer { id } }' };
    const withToken = (app: TestApp) =>
      fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer nope', 'x-request-id': 'r1' },
        body: JSON.stringify(op),
      }).then(async (res) => [res.status, await res.text()]);
    const [fromCompiled, fromReference] = [await withToken(compiled), await withToken(reference)];
    expect(fromCompiled[0]).toBe(401);
    expect(fromCompiled).toEqual(fromReference);
  });
});

describe('compiledExecutor', () => {
  const schema = buildSchema(`type Query { hello(times: Int!): String! fail: String }`);
  const rootResolvers = {
    hello: ({ times }: { times: number }) => 'hello'.repeat(times),
    fail: () => {
      throw new Error('boom');
    },
  };
  const run = compiledExecutor(schema);
  const request = (query: string, variables: Record<string, unknown> = {}, queryHash = query) => {
    const document = parse(query);
    const operation = document.definitions[0] as never;
    return run({
      request: { query, variables },
      document,
      operation,
      operationName: null,
      queryHash,
      context: {},
      schema,
    } as never);
  };
  // graphql-jit runs resolvers of the schema; the root value is the one graphql-js is given.
  for (const [name, resolve] of Object.entries(rootResolvers)) {
    schema.getQueryType()!.getFields()[name]!.resolve = (_root, args) => resolve(args as never);
  }

  beforeEach(() => compileCalls.mockClear());

  it('compiles an operation once, then runs the cached one', async () => {
    const query = 'query ($n: Int!) { hello(times: $n) }';
    expect(await request(query, { n: 2 })).toEqual({ data: { hello: 'hellohello' } });
    expect(await request(query, { n: 1 })).toEqual({ data: { hello: 'hello' } });
    expect(compileCalls).toHaveBeenCalledTimes(1);
  });

  it('gives graphql-js errors: extensions, locations, path, original error', async () => {
    const query = '{ fail }';
    const result = await request(query, {}, 'fail-hash');
    const expected = await execute({ schema, document: parse(query) });
    expect(JSON.stringify(result)).toBe(JSON.stringify(expected));
    expect(result.errors?.[0]?.extensions).toEqual({});
    expect(result.errors?.[0]?.originalError?.message).toBe('boom');
  });

  it('leaves variables that do not coerce to graphql-js, for its wording', async () => {
    const query = 'query ($n: Int!) { hello(times: $n) }';
    const result = await request(query, { n: 'x' }, 'coerce-hash');
    const expected = await execute({ schema, document: parse(query), variableValues: { n: 'x' } });
    expect(JSON.stringify(result)).toBe(JSON.stringify(expected));
  });
});
