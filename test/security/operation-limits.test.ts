import { getIntrospectionQuery } from 'graphql';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/app';
import { createPostRow, signUp, type TestUser } from '../support/scenario';
import { closeAllSockets, openSocket, POST_CREATED, subscribersReach } from '../realtime/support';

/**
 * Operation limits (depth, aliases, directives, tokens, list-aware cost), on HTTP and on
 * WebSocket alike. A refused operation runs no resolver and sends no SQL, not even the lookup
 * of its token: each refusal below is sent with a token and measured against the statement
 * observer and the password hasher (for logIn).
 */
let app: TestApp;
let alice: TestUser;
beforeAll(async () => {
  app = await startTestApp();
  alice = await signUp(app, 'alice');
  await createPostRow(app, alice);
});
afterEach(() => closeAllSockets(app));
afterAll(() => app.stop());

/** Sends the operation with alice's token; returns the response and the SQL it caused. */
async function refusedOverHttp(query: string, variables?: Record<string, unknown>) {
  const hashesBefore = app.passwords.stats.started;
  const { result, statements } = await app.db.statements.capture(() =>
    app.gql(query, variables, { token: alice.token }),
  );
  expect(statements).toEqual([]);
  expect(app.passwords.stats.started).toBe(hashesBefore);
  expect(result.data ?? null).toBeNull();
  expect(result.status).toBe(400);
  return result;
}

const firstError = (res: GraphQLResponse<unknown>) => res.errors?.[0];

/** `{ a: { a: ... } }`-style nesting through explore → author → posts → ... */
function nestedQuery(levels: number): string {
  let selection = 'id';
  for (let i = 0; i < levels; i++)
    selection = `posts(first: 1) { edges { node { author { ${selection} } } } }`;
  return `{ viewer { ${selection} } }`;
}

describe('depth', () => {
  it('accepts Relay nesting up to the limit (10) and refuses deeper documents', async () => {
    // viewer > posts > edges > node > author > posts > edges > node > author > id: depth 10
    const ok = await app.gql(nestedQuery(2), {}, { token: alice.token });
    expect(ok.errors).toBeUndefined();

    const res = await refusedOverHttp(nestedQuery(12));
    expect(firstError(res)).toMatchObject({
      message: 'Query depth limit of 10 exceeded, found 50.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('counts the depth inside fragments, even one named like an introspection field', async () => {
    const res = await refusedOverHttp(`
      { viewer { ...__schema } }
      fragment __schema on User { posts { edges { node { author { posts { edges { node {
        author { posts { edges { node { id } } } } } } } } } } } }`);
    expect(firstError(res)?.message).toMatch(/^Query depth limit of 10 exceeded/);
  });

  it('refuses fragment cycles', async () => {
    const res = await refusedOverHttp(`
      { viewer { ...A } }
      fragment A on User { posts { edges { node { author { ...B } } } } }
      fragment B on User { posts { edges { node { author { ...A } } } } }`);
    expect(res.errors!.map((e) => e.message)).toContain('Cannot spread fragment "A" within itself via "B".');
  });
});

describe('aliases', () => {
  const logIns = (count: number) =>
    `mutation { ${Array.from(
      { length: count },
      (_, i) => `a${i}: logIn(input: { login: "alice", password: "guess ${i}" }) { token }`,
    ).join(' ')} }`;

  it('refuses more than 15 aliases before a single password is hashed', async () => {
    const res = await refusedOverHttp(logIns(16));
    expect(firstError(res)).toMatchObject({
      message: 'Aliases limit of 15 exceeded, found 16.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('counts aliases hidden in fragments', async () => {
    const aliases = Array.from({ length: 8 }, (_, i) => `u${i}: username`).join(' ');
    const res = await refusedOverHttp(
      `{ viewer { ...F ...G } } fragment F on User { ${aliases} } fragment G on User { ${aliases} }`,
    );
    expect(firstError(res)?.message).toBe('Aliases limit of 15 exceeded, found 16.');
  });
});

it('refuses more than 50 directives', async () => {
  const res = await refusedOverHttp(`{ ${'__typename @skip(if: false) '.repeat(51)} }`);
  expect(firstError(res)).toMatchObject({
    message: 'Directives limit of 50 exceeded, found 51.',
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
  });
});

it('stops parsing a document of more than 1000 tokens', async () => {
  // 1000 aliased logIns would be refused here, long before the alias limit.
  const res = await refusedOverHttp(`{ ${'__typename '.repeat(1000)} }`);
  expect(firstError(res)).toMatchObject({
    message: 'Syntax Error: Document contains more that 1000 tokens. Parsing aborted.',
    extensions: { code: 'GRAPHQL_PARSE_FAILED' },
  });
});

describe('cost', () => {
  const THREE_LISTS = `query ($n: Int) { explore(first: $n) { edges { node {
    likedBy(first: $n) { edges { node { posts(first: $n) { edges { node { id caption } } } } } }
  } } } }`;

  it('reports the cost of every operation in extensions.cost', async () => {
    const res = await app.gql(`{ explore(first: 10) { edges { node { id caption } } } }`);
    expect(res.errors).toBeUndefined();
    // explore + 10 x (edges + node + id + caption)
    expect(res.extensions?.cost).toEqual({ requested: 41, limit: 10_000 });
  });

  it('multiplies by `first`, from variables too: 100 x 100 x 100 is refused', async () => {
    const res = await refusedOverHttp(THREE_LISTS, { n: 100 });
    expect(firstError(res)).toMatchObject({
      message: expect.stringMatching(/^Operation cost \d+ exceeds the limit of 10000\./),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost: { limit: 10_000 } },
    });
    expect(res.extensions?.cost.requested).toBeGreaterThan(1_000_000);
    // the same shape with small pages is fine
    const small = await app.gql(THREE_LISTS, { n: 5 });
    expect(small.errors).toBeUndefined();
    expect(small.extensions?.cost.requested).toBeLessThan(1_000);
  });

  it('estimates again when a variable that changes the cost changes, on the same document', async () => {
    const query = `query ($n: Int!, $deep: Boolean!, $after: String) {
      explore(first: $n, after: $after) {
        edges { node { id likedBy(first: $n) @include(if: $deep) { edges { node { id } } } } }
      }
    }`;
    const costOf = async (variables: Record<string, unknown>) => {
      const res = await app.gql(query, variables);
      expect(res.errors).toBeUndefined();
      return res.extensions?.cost.requested as number;
    };
    const shallow = await costOf({ n: 5, deep: false });
    const deep = await costOf({ n: 5, deep: true });
    const wider = await costOf({ n: 6, deep: true });
    expect(deep).toBeGreaterThan(shallow);
    expect(wider).toBeGreaterThan(deep);
    expect(await costOf({ n: 5, deep: false })).toBe(shallow);
    expect(await costOf({ n: 5, deep: true, after: null })).toBe(deep);
  });

  it('counts the default page size (20) and lists inside fragments', async () => {
    const res = await refusedOverHttp(`
      { explore { edges { node { ...Likers } } } }
      fragment Likers on Post { likedBy { edges { node { followers { edges { node { id } } } } } } }`);
    expect(res.extensions?.cost.requested).toBeGreaterThan(20 * 20 * 20);
  });

  it('leaves an out-of-range `first` to the resolver: BAD_USER_INPUT, no SQL', async () => {
    const { result, statements } = await app.db.statements.capture(() =>
      app.gql(`{ explore(first: 1000000) { edges { node { id } } } }`),
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(statements).toEqual([]);
  });

  it('answers the standard introspection query but not an introspection cycle', async () => {
    // Sandbox's query is deeper than the depth limit allows, and costs nothing: introspection is
    // bounded by the schema and, for its cycles, by graphql-js's own introspection depth rule.
    const standard = await app.gql(getIntrospectionQuery({ descriptions: true }));
    expect(standard.errors).toBeUndefined();
    let cycle = 'name';
    for (let i = 0; i < 4; i++) cycle = `fields { type { ${cycle} } }`;
    const res = await refusedOverHttp(`{ __schema { types { ${cycle} } } }`);
    expect(firstError(res)?.message).toBe('Maximum introspection depth exceeded');
  });
});

it('refuses a JSON array of operations (no HTTP batching)', async () => {
  const batch = Array.from({ length: 100 }, () => ({ query: '{ viewer { id } }' }));
  const { result, statements } = await app.db.statements.capture(async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
      body: JSON.stringify(batch),
    });
    return { status: res.status, text: await res.text() };
  });
  expect(result.status).toBe(400);
  expect(result.text).toContain('Operation batching disabled.');
  expect(statements).toEqual([]);
});

it('answers variables of the wrong type with 400 before any resolver runs', async () => {
  const res = await refusedOverHttp(`query ($n: Int) { explore(first: $n) { edges { node { id } } } }`, {
    n: 'ten',
  });
  expect(firstError(res)?.extensions?.code).toBe('BAD_USER_INPUT');
});

describe('over WebSocket', () => {
  /** A subscribe message on an authenticated socket: the errors, and the SQL it caused. */
  async function refusedOverSocket(query: string, variables?: Record<string, unknown>) {
    const socket = openSocket(app, { token: alice.token });
    const subscribers = app.app.realtime.subscriberCount();
    socket.subscribe(POST_CREATED);
    await subscribersReach(app, subscribers + 1); // connected and authenticated
    const { result, statements } = await app.db.statements.capture(() =>
      socket
        .subscribe(query, variables)
        .next()
        .then(
          () => {
            throw new Error('the subscription was accepted');
          },
          (errors: unknown) => errors as { message: string; extensions: Record<string, unknown> }[],
        ),
    );
    expect(statements).toEqual([]);
    return result;
  }

  const COMMENTS = (selection: string) =>
    `subscription { commentAdded(postId: "UG9zdDox") { ${selection} } }`;

  it('applies the depth limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 5; i++) selection = `post { author { posts { edges { node { ${selection} } } } } }`;
    const [error] = await refusedOverSocket(COMMENTS(selection));
    expect(error).toMatchObject({
      message: expect.stringMatching(/^Query depth limit of 10 exceeded/),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('applies the alias and token limits', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `b${i}: body`).join(' ');
    expect((await refusedOverSocket(COMMENTS(aliases)))[0]?.message).toBe(
      'Aliases limit of 15 exceeded, found 16.',
    );
    expect((await refusedOverSocket(COMMENTS('id '.repeat(1000))))[0]).toMatchObject({
      message: 'Syntax Error: Document contains more that 1000 tokens. Parsing aborted.',
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
  });

  it('applies the cost limit, with the cost in the error', async () => {
    const [error] = await refusedOverSocket(
      COMMENTS(
        `post { likedBy(first: $n) { edges { node { followers(first: $n) { edges { node { id } } } } } } }`,
      ).replace('subscription', 'subscription ($n: Int)'),
      { n: 100 },
    );
    expect(error).toMatchObject({
      message: expect.stringMatching(/^Operation cost \d+ exceeds the limit of 10000\./),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost: { limit: 10_000 } },
    });
  });
});
