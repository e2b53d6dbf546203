import { startTestApp, type GraphQLResponse, type TestApp } from '../support/app';
import { createPost, photo, signUp, type TestUser } from '../support/scenario';

/**
 * Abuse limits: failed logins throttled per account and per client address (counting
 * attempts, aliases included), per-user budgets on the mutations that create content, a cap
 * on concurrent argon2 hashes, over-long passwords refused before hashing, rehash on login.
 * The app trusts the loopback proxy, so X-Forwarded-For stands for the client address.
 */
const LIMITS = {
  TRUST_PROXY: 'loopback',
  RATE_LIMIT_LOGIN_ACCOUNT: '10/15m',
  RATE_LIMIT_LOGIN_ADDRESS: '30/15m',
  RATE_LIMIT_SIGN_UP: '3/1h',
  RATE_LIMIT_CREATE_POST: '2/1h',
  RATE_LIMIT_ADD_COMMENT: '2/1h',
  RATE_LIMIT_LIKE_POST: '2/1h',
  RATE_LIMIT_FOLLOW: '2/1h',
  RATE_LIMIT_BLOCK: '2/1h',
  RATE_LIMIT_MUTE: '2/1h',
  RATE_LIMIT_REPORT: '2/1h',
};
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(LIMITS);
});
afterAll(() => app.stop());

const LOG_IN = `mutation ($input: LogInInput!) { logIn(input: $input) { token } }`;
let addressCounter = 0;
/** A fresh client address (TEST-NET-3), so each test has its own per-address budget. */
const newAddress = () => `203.0.113.${++addressCounter}`;

function logIn(target: TestApp, login: string, password: string, address: string) {
  return target.gql(LOG_IN, { input: { login, password } }, { headers: { 'x-forwarded-for': address } });
}

const codeOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.code ?? 'OK';

/** The user's sign-up, made from its own address (the sign-up budget is per address). */
function signUpFrom(target: TestApp, username: string, address = newAddress()) {
  return target.gql(
    `mutation ($input: SignUpInput!) { signUp(input: $input) { token user { id } } }`,
    { input: { username, email: `${username}@example.com`, password: 'correct horse battery' } },
    { headers: { 'x-forwarded-for': address } },
  );
}

async function user(username: string): Promise<TestUser> {
  const res = await signUpFrom(app, username);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  const { token, user: created } = res.data.signUp;
  return {
    id: created.id,
    username,
    email: `${username}@example.com`,
    password: 'correct horse battery',
    token,
  };
}

describe('failed logins', () => {
  it('throttles an account after 10 failures, whatever the address, without hashing again', async () => {
    const alice = await user('alice');
    const hashes = app.passwords.stats.started;
    const codes = [];
    for (let i = 0; i < 20; i++) codes.push(codeOf(await logIn(app, 'alice', `wrong ${i}`, newAddress())));
    expect(codes).toEqual([...Array(10).fill('UNAUTHENTICATED'), ...Array(10).fill('RATE_LIMITED')]);
    expect(app.passwords.stats.started - hashes).toBe(10);

    // The right password does not get through either, nor the email instead of the username.
    for (const login of ['alice', alice.email]) {
      const res = await logIn(app, login, alice.password, newAddress());
      expect(res.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/^Too many attempts\. Try again in \d+ seconds\.$/),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      });
      const retryAfter = res.errors![0]!.extensions!.retryAfterSeconds as number;
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    }
    // Other accounts are not affected.
    await user('bob');
    expect(codeOf(await logIn(app, 'bob', 'correct horse battery', newAddress()))).toBe('OK');
  });

  it('cannot multiply attempts with aliases', async () => {
    await user('carol');
    const aliases = Array.from(
      { length: 15 },
      (_, i) => `a${i}: logIn(input: { login: "carol", password: "guess number ${i}" }) { token }`,
    );
    const packed = () =>
      app.gql(`mutation { ${aliases.join(' ')} }`, {}, { headers: { 'x-forwarded-for': newAddress() } });
    // Mutations run one after another, and a failed logIn (its result is non-null) ends the
    // request: 15 aliases try one password, and that one attempt counts.
    const hashes = app.passwords.stats.started;
    const first = await packed();
    expect(first.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['a0'], 'UNAUTHENTICATED']]);
    expect(app.passwords.stats.started - hashes).toBe(1);
    for (let i = 1; i < 10; i++) expect(codeOf(await packed())).toBe('UNAUTHENTICATED');
    expect(codeOf(await packed())).toBe('RATE_LIMITED');
  });

  it('holds changePassword to the same budget, so a stolen session cannot guess the password', async () => {
    const judy = await user('judy');
    const change = (currentPassword: string) =>
      app.gql(
        `mutation ($current: String!) { changePassword(currentPassword: $current, newPassword: "brand new secret") }`,
        { current: currentPassword },
        { token: judy.token, headers: { 'x-forwarded-for': newAddress() } },
      );
    for (let i = 0; i < 10; i++) expect(codeOf(await change(`guess ${i}`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await change(judy.password))).toBe('RATE_LIMITED');
    expect(codeOf(await logIn(app, 'judy', judy.password, newAddress()))).toBe('RATE_LIMITED');
  });

  it('counts concurrent attempts before they finish', async () => {
    await user('erin');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => logIn(app, 'erin', `wrong ${i}`, newAddress())),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(10);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(10);
  });

  it('throttles an address trying many accounts, and only that address', async () => {
    const attacker = newAddress();
    const codes = [];
    for (let i = 0; i < 32; i++) codes.push(codeOf(await logIn(app, `nobody${i}`, 'password123', attacker)));
    expect(codes).toEqual([...Array(30).fill('UNAUTHENTICATED'), ...Array(2).fill('RATE_LIMITED')]);
    expect(codeOf(await logIn(app, 'nobody99', 'password123', newAddress()))).toBe('UNAUTHENTICATED');
  });

  it('counts failures only: a success clears the account and refunds the address', async () => {
    const dave = await user('dave');
    const office = newAddress();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 9; i++)
        expect(codeOf(await logIn(app, 'dave', 'nope nope', office))).toBe('UNAUTHENTICATED');
      expect(codeOf(await logIn(app, 'dave', dave.password, office))).toBe('OK');
    }
    // 30 logins from the office, 27 of them failed: still under its budget of 30 failures
    expect(codeOf(await logIn(app, 'dave', dave.password, office))).toBe('OK');
  });
});

describe('per-user budgets', () => {
  it('limits sign-ups per address, and takes X-Forwarded-For only from a trusted proxy', async () => {
    const home = newAddress();
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(codeOf(await signUpFrom(app, `home${i}`, home)));
    expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);
    expect(await app.db.prisma.user.count({ where: { username: 'home3' } })).toBe(0);
    expect(codeOf(await signUpFrom(app, 'elsewhere', newAddress()))).toBe('OK');

    // Without TRUST_PROXY the header is the client's word: the socket's address counts.
    const direct = await startTestApp({ RATE_LIMIT_SIGN_UP: '1/1h' }, { db: app.db });
    try {
      expect(codeOf(await signUpFrom(direct, 'spoof1', newAddress()))).toBe('OK');
      expect(codeOf(await signUpFrom(direct, 'spoof2', newAddress()))).toBe('RATE_LIMITED');
    } finally {
      await direct.stop();
    }
  });

  it.each([
    [
      'createPost',
      async (u: TestUser, target: { post: string; user: TestUser }, i: number) =>
        app.gql(
          `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`,
          { input: { caption: `post ${i}`, media: [photo(i)] } },
          { token: u.token },
        ),
    ],
    [
      'addComment',
      async (u: TestUser, target: { post: string; user: TestUser }, i: number) =>
        app.gql(
          `mutation ($input: AddCommentInput!) { addComment(input: $input) { id } }`,
          { input: { postId: target.post, body: `comment ${i}` } },
          { token: u.token },
        ),
    ],
    [
      'likePost',
      async (u: TestUser, target: { post: string; user: TestUser }) =>
        app.gql(
          `mutation ($id: ID!) { likePost(postId: $id) { id } }`,
          { id: target.post },
          { token: u.token },
        ),
    ],
    [
      'follow',
      async (u: TestUser, target: { post: string; user: TestUser }) =>
        app.gql(
          `mutation ($id: ID!) { follow(userId: $id) { id } }`,
          { id: target.user.id },
          { token: u.token },
        ),
    ],
    [
      'block',
      async (u: TestUser, target: { post: string; user: TestUser }) =>
        app.gql(
          `mutation ($id: ID!) { block(userId: $id) { id } }`,
          { id: target.user.id },
          { token: u.token },
        ),
    ],
    [
      'mute',
      async (u: TestUser, target: { post: string; user: TestUser }) =>
        app.gql(
          `mutation ($id: ID!) { mute(userId: $id) { id } }`,
          { id: target.user.id },
          { token: u.token },
        ),
    ],
    [
      'report',
      async (u: TestUser, target: { post: string; user: TestUser }) =>
        app.gql(
          `mutation ($id: ID!) { report(input: { subjectId: $id, reason: SPAM }) }`,
          { id: target.post },
          { token: u.token },
        ),
    ],
  ])('limits %s per user (2 an hour here)', async (action, attempt) => {
    const author = await user(`author_${action.toLowerCase()}`);
    const post = await createPost(app, author);
    const target = { post, user: author };
    const [busy, other] = [
      await user(`busy_${action.toLowerCase()}`),
      await user(`other_${action.toLowerCase()}`),
    ];
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(codeOf(await attempt(busy, target, i)));
    expect(codes).toEqual(['OK', 'OK', 'RATE_LIMITED']);
    expect(codeOf(await attempt(other, target, 9))).toBe('OK');
  });

  it('writes nothing for a refused mutation', async () => {
    const poster = await user('poster');
    await createPost(app, poster);
    await createPost(app, poster);
    const refused = await app.gql(
      `mutation { createPost(input: { caption: "third", media: [{ url: "https://cdn.example.com/3.jpg" }] }) { id } }`,
      {},
      { token: poster.token },
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    expect(await app.db.prisma.post.count({ where: { caption: 'third' } })).toBe(0);
  });
});

describe('password hashing', () => {
  it('hashes at most ARGON2_MAX_CONCURRENT passwords at once: 50 concurrent logins all succeed', async () => {
    const capped = await startTestApp({ ARGON2_MAX_CONCURRENT: '2' }, { db: app.db });
    try {
      const frank = await signUp(capped, 'frank');
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          capped.gql(LOG_IN, { input: { login: 'frank', password: frank.password } }),
        ),
      );
      expect(results.map(codeOf)).toEqual(Array(50).fill('OK'));
      expect(capped.passwords.stats.peakRunning).toBe(2);
    } finally {
      await capped.stop();
    }
  });

  it('refuses hashes beyond a full queue with RATE_LIMITED', async () => {
    const tight = await startTestApp({ ARGON2_MAX_CONCURRENT: '1', ARGON2_MAX_QUEUE: '3' }, { db: app.db });
    try {
      const grace = await signUp(tight, 'grace');
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          tight.gql(LOG_IN, { input: { login: 'grace', password: grace.password } }),
        ),
      );
      const codes = results.map(codeOf);
      expect(codes.filter((c) => c === 'OK').length).toBeGreaterThanOrEqual(4);
      expect(codes).toContain('RATE_LIMITED');
      const refused = results.find((r) => codeOf(r) === 'RATE_LIMITED')!;
      expect(refused.errors![0]!.extensions).toMatchObject({ retryAfterSeconds: 1 });
      expect(tight.passwords.stats.peakRunning).toBe(1);
    } finally {
      await tight.stop();
    }
  });

  it('refuses an over-long password before hashing or touching the database', async () => {
    const hashes = app.passwords.stats.started;
    const huge = 'p'.repeat(50_000);
    const { result, statements } = await app.db.statements.capture(async () => [
      await logIn(app, 'alice', huge, newAddress()),
      await app.gql(
        `mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`,
        { input: { username: 'longpass', email: 'longpass@example.com', password: huge } },
        { headers: { 'x-forwarded-for': newAddress() } },
      ),
    ]);
    expect(result.map(codeOf)).toEqual(['UNAUTHENTICATED', 'BAD_USER_INPUT']);
    expect(result[1]!.errors?.[0]?.extensions?.field).toBe('password');
    expect(app.passwords.stats.started).toBe(hashes);
    expect(statements).toEqual([]);
  });

  it('rehashes on login when the configured cost has risen', async () => {
    const henry = await user('henry');
    const before = await app.db.prisma.user.findUniqueOrThrow({ where: { username: 'henry' } });
    expect(before.passwordHash).toMatch(/\$m=19456,t=2,p=1\$/);
    const stronger = await startTestApp({ ARGON2_TIME_COST: '3' }, { db: app.db });
    try {
      expect(
        codeOf(await stronger.gql(LOG_IN, { input: { login: 'henry', password: henry.password } })),
      ).toBe('OK');
      const after = await app.db.prisma.user.findUniqueOrThrow({ where: { username: 'henry' } });
      expect(after.passwordHash).toMatch(/\$m=19456,t=3,p=1\$/);
      // and the new hash still opens the account, on either instance
      expect(codeOf(await logIn(app, 'henry', henry.password, newAddress()))).toBe('OK');
    } finally {
      await stronger.stop();
    }
  });
});

const REDIS_URL = process.env.REDIS_URL;
(REDIS_URL ? describe : describe.skip)('across instances (Redis)', () => {
  it('shares login and mutation budgets between instances', async () => {
    const shared = {
      ...LIMITS,
      REDIS_URL: REDIS_URL!,
      RATE_LIMIT_KEY_PREFIX: `shared-${process.pid}-${Date.now()}`,
    };
    const a = await startTestApp({ ...shared, RATE_LIMIT_LOGIN_ACCOUNT: '4/15m' }, { db: app.db });
    const b = await startTestApp({ ...shared, RATE_LIMIT_LOGIN_ACCOUNT: '4/15m' }, { db: app.db });
    try {
      const ivy = await signUp(a, 'ivy');
      const codes = [];
      for (const instance of [a, b, a, b, a, b])
        codes.push(codeOf(await logIn(instance, 'ivy', 'wrong one', newAddress())));
      expect(codes).toEqual([
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
        'RATE_LIMITED',
        'RATE_LIMITED',
      ]);

      await createPost(a, ivy);
      await createPost(b, ivy);
      const third = await b.gql(
        `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`,
        { input: { media: [photo()] } },
        { token: ivy.token },
      );
      expect(codeOf(third)).toBe('RATE_LIMITED');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
