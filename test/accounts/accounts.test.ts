import { codesOf, startTestApp, type TestApp } from '../support/app';
import { signUp } from '../support/scenario';

const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { token user { id username displayName bio avatarUrl postCount followerCount followingCount isViewer } } }`;
const LOG_IN = `mutation ($input: LogInInput!) { logIn(input: $input) { token user { id username } } }`;
const VIEWER = `{ viewer { id username } }`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(() => app.db.reset());

const signUpWith = (input: Record<string, unknown>) =>
  app.gql(SIGN_UP, {
    input: { username: 'alice', email: 'alice@example.com', password: 'password123', ...input },
  });

describe('signUp', () => {
  it('creates an account and returns a working token', async () => {
    const res = await signUpWith({ username: 'Alice', displayName: 'Alice A.' });
    expect(res.errors).toBeUndefined();
    expect(res.data.signUp.user).toMatchObject({
      username: 'alice',
      displayName: 'Alice A.',
      bio: '',
      avatarUrl: null,
      postCount: 0,
      followerCount: 0,
      followingCount: 0,
      isViewer: true,
    });
    const viewer = await app.gql(VIEWER, {}, { token: res.data.signUp.token });
    expect(viewer.data.viewer).toEqual({ id: res.data.signUp.user.id, username: 'alice' });
  });

  it('defaults the display name to the username', async () => {
    const res = await signUpWith({});
    expect(res.data.signUp.user.displayName).toBe('alice');
  });

  it('stores only a hash of the token and an argon2id hash of the password', async () => {
    const res = await signUpWith({});
    const token: string = res.data.signUp.token;
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
    const user = await app.db.prisma.user.findUniqueOrThrow({ where: { username: 'alice' } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    const [m, t] = /m=(\d+),t=(\d+)/.exec(user.passwordHash)!.slice(1).map(Number);
    expect(m).toBeGreaterThanOrEqual(19_456);
    expect(t).toBeGreaterThanOrEqual(2);
    const session = await app.db.prisma.session.findFirstOrThrow();
    expect(Buffer.from(session.tokenHash).toString('base64url')).not.toBe(token);
    expect(Buffer.from(session.tokenHash)).toHaveLength(32);
  });

  it('refuses a taken username or email, case-insensitively', async () => {
    await signUpWith({});
    const sameName = await signUpWith({ username: 'ALICE', email: 'other@example.com' });
    expect(codesOf(sameName)).toEqual(['BAD_USER_INPUT']);
    expect(sameName.errors![0]!.extensions!.field).toBe('username');
    const sameEmail = await signUpWith({ username: 'other', email: 'Alice@Example.COM' });
    expect(codesOf(sameEmail)).toEqual(['BAD_USER_INPUT']);
    expect(sameEmail.errors![0]!.extensions!.field).toBe('email');
  });

  it('settles a race for one username with one account and one clean refusal', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) => signUpWith({ username: 'racer', email: `racer${i}@example.com` })),
    );
    const winners = attempts.filter((r) => !r.errors);
    const losers = attempts.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    for (const loser of losers) {
      expect(codesOf(loser)).toEqual(['BAD_USER_INPUT']);
      expect(loser.errors![0]!.extensions!.field).toBe('username');
    }
    expect(await app.db.prisma.user.count({ where: { username: 'racer' } })).toBe(1);
  });

  it.each([
    ['username', { username: 'ab' }],
    ['username', { username: 'a'.repeat(31) }],
    ['username', { username: 'bad name' }],
    ['username', { username: 'émile' }],
    ['email', { email: 'not-an-email' }],
    ['email', { email: `${'a'.repeat(250)}@example.com` }],
    ['password', { password: 'short' }],
    ['password', { password: 'x'.repeat(129) }],
    ['displayName', { displayName: 'd'.repeat(65) }],
  ])('refuses an invalid %s (%j) and writes nothing', async (field, input) => {
    const res = await signUpWith(input);
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.extensions!.field).toBe(field);
    expect(await app.db.prisma.user.count()).toBe(0);
  });

  it('accepts the limits exactly', async () => {
    const res = await signUpWith({
      username: 'a'.repeat(30),
      password: 'x'.repeat(128),
      displayName: 'd'.repeat(64),
    });
    expect(res.errors).toBeUndefined();
    const short = await signUpWith({ username: 'a_.', email: 'b@example.com', password: '12345678' });
    expect(short.errors).toBeUndefined();
  });
});

describe('logIn', () => {
  it('accepts the username or the email in any case', async () => {
    await signUpWith({});
    for (const login of ['alice', 'ALICE', 'alice@example.com', 'Alice@EXAMPLE.com']) {
      const res = await app.gql(LOG_IN, { input: { login, password: 'password123' } });
      expect(res.errors).toBeUndefined();
      expect(res.data.logIn.user.username).toBe('alice');
    }
  });

  it('answers an unknown login and a wrong password with the same error', async () => {
    await signUpWith({});
    const wrong = await app.gql(LOG_IN, { input: { login: 'alice', password: 'wrong-password' } });
    const unknown = await app.gql(LOG_IN, { input: { login: 'nobody', password: 'password123' } });
    expect(codesOf(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(unknown)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.errors![0]!.message).toBe(unknown.errors![0]!.message);
  });

  it('issues a new independent session each time', async () => {
    await signUpWith({});
    const a = await app.gql(LOG_IN, { input: { login: 'alice', password: 'password123' } });
    const b = await app.gql(LOG_IN, { input: { login: 'alice', password: 'password123' } });
    expect(a.data.logIn.token).not.toBe(b.data.logIn.token);
    expect(await app.db.prisma.session.count()).toBe(3);
  });
});

describe('viewer and sessions', () => {
  it('is null when anonymous', async () => {
    const res = await app.gql(VIEWER);
    expect(res.errors).toBeUndefined();
    expect(res.data.viewer).toBeNull();
  });

  it.each(['garbage', 'Bearer not-a-real-token-at-all-xxxxxxxx', 'Basic abc'])(
    'refuses a forged or malformed token (%s) with UNAUTHENTICATED',
    async (authorization) => {
      const res = await app.gql(VIEWER, {}, { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(codesOf(res)).toEqual(['UNAUTHENTICATED']);
    },
  );

  it('refuses an expired token', async () => {
    const alice = await signUp(app, 'alice');
    await app.db.prisma.session.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await app.gql(VIEWER, {}, { token: alice.token });
    expect(codesOf(res)).toEqual(['UNAUTHENTICATED']);
  });

  it('logOut revokes the token used, and only that one', async () => {
    const alice = await signUp(app, 'alice');
    const other = await app.gql(LOG_IN, { input: { login: 'alice', password: alice.password } });
    const out = await app.gql(`mutation { logOut }`, {}, { token: alice.token });
    expect(out.data).toEqual({ logOut: true });
    expect(codesOf(await app.gql(VIEWER, {}, { token: alice.token }))).toEqual(['UNAUTHENTICATED']);
    const stillIn = await app.gql(VIEWER, {}, { token: other.data.logIn.token });
    expect(stillIn.data.viewer.username).toBe('alice');
  });

  it('logOut without a token is false', async () => {
    expect((await app.gql(`mutation { logOut }`)).data).toEqual({ logOut: false });
  });
});

describe('changePassword', () => {
  const CHANGE = `mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;

  it('keeps this session, revokes every other, and switches the password', async () => {
    const alice = await signUp(app, 'alice');
    const phone = await app.gql(LOG_IN, { input: { login: 'alice', password: alice.password } });
    // used once, so this instance has its check cached: the revocation must still win
    expect((await app.gql(VIEWER, {}, { token: phone.data.logIn.token })).data.viewer.username).toBe('alice');
    const res = await app.gql(CHANGE, { c: alice.password, n: 'brand-new-password' }, { token: alice.token });
    expect(res.data).toEqual({ changePassword: true });
    expect((await app.gql(VIEWER, {}, { token: alice.token })).data.viewer.username).toBe('alice');
    expect(codesOf(await app.gql(VIEWER, {}, { token: phone.data.logIn.token }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    const oldLogin = await app.gql(LOG_IN, { input: { login: 'alice', password: alice.password } });
    expect(codesOf(oldLogin)).toEqual(['UNAUTHENTICATED']);
    const newLogin = await app.gql(LOG_IN, { input: { login: 'alice', password: 'brand-new-password' } });
    expect(newLogin.errors).toBeUndefined();
  });

  it('refuses a wrong current password and changes nothing', async () => {
    const alice = await signUp(app, 'alice');
    const res = await app.gql(
      CHANGE,
      { c: 'not-my-password', n: 'brand-new-password' },
      { token: alice.token },
    );
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.extensions!.field).toBe('currentPassword');
    const login = await app.gql(LOG_IN, { input: { login: 'alice', password: alice.password } });
    expect(login.errors).toBeUndefined();
  });

  it('counts a password in characters the same way everywhere: 128 emoji can be set, used and changed', async () => {
    const longest = '\u{1F512}'.repeat(128); // 256 UTF-16 units
    const alice = await signUp(app, 'alice', longest);
    const login = await app.gql(LOG_IN, { input: { login: 'alice', password: longest } });
    expect(login.errors).toBeUndefined();
    const next = '\u{1F511}'.repeat(128);
    const res = await app.gql(CHANGE, { c: longest, n: next }, { token: alice.token });
    expect(res.data).toEqual({ changePassword: true });
    const again = await app.gql(LOG_IN, { input: { login: 'alice', password: next } });
    expect(again.errors).toBeUndefined();
    const tooLong = await app.gql(CHANGE, { c: next, n: next + 'x' }, { token: alice.token });
    expect(tooLong.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
  });

  it('checks the new password limits and needs a viewer', async () => {
    const alice = await signUp(app, 'alice');
    const short = await app.gql(CHANGE, { c: alice.password, n: 'short' }, { token: alice.token });
    expect(short.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    const anonymous = await app.gql(CHANGE, { c: alice.password, n: 'brand-new-password' });
    expect(codesOf(anonymous)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('profiles', () => {
  const UPDATE = `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { displayName bio avatarUrl } }`;

  it('updates the given fields and keeps the others', async () => {
    const alice = await signUp(app, 'alice');
    await app.gql(
      UPDATE,
      { input: { bio: 'hello', avatarUrl: 'https://cdn.example.com/a.jpg' } },
      { token: alice.token },
    );
    const res = await app.gql(UPDATE, { input: { displayName: 'Alice' } }, { token: alice.token });
    expect(res.data.updateProfile).toEqual({
      displayName: 'Alice',
      bio: 'hello',
      avatarUrl: 'https://cdn.example.com/a.jpg',
    });
    const cleared = await app.gql(UPDATE, { input: { avatarUrl: '' } }, { token: alice.token });
    expect(cleared.data.updateProfile.avatarUrl).toBeNull();
  });

  it.each([
    ['displayName', { displayName: 'd'.repeat(65) }],
    ['bio', { bio: 'b'.repeat(151) }],
    ['avatarUrl', { avatarUrl: 'javascript:alert(1)' }],
    ['avatarUrl', { avatarUrl: `https://example.com/${'a'.repeat(2048)}` }],
  ])('refuses an invalid %s', async (field, input) => {
    const alice = await signUp(app, 'alice');
    const res = await app.gql(UPDATE, { input }, { token: alice.token });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('needs a viewer', async () => {
    expect(codesOf(await app.gql(UPDATE, { input: { bio: 'x' } }))).toEqual(['UNAUTHENTICATED']);
  });

  it('finds a user by username case-insensitively, null when missing', async () => {
    const alice = await signUp(app, 'alice');
    const res = await app.gql(
      `{ a: user(username: "ALICE") { id isViewer } b: user(username: "nobody") { id } }`,
    );
    expect(res.data).toEqual({ a: { id: alice.id, isViewer: false }, b: null });
  });
});

describe('secrets never leave the server', () => {
  it('no response contains a password hash or a token hash', async () => {
    const alice = await signUp(app, 'alice');
    const user = await app.db.prisma.user.findUniqueOrThrow({ where: { username: 'alice' } });
    const sessions = await app.db.prisma.session.findMany();
    const secrets = [
      user.passwordHash,
      ...sessions.flatMap((s) => [
        Buffer.from(s.tokenHash).toString('hex'),
        Buffer.from(s.tokenHash).toString('base64'),
      ]),
    ];
    const responses = [
      await app.gql(
        `{ viewer { id username displayName bio avatarUrl createdAt } }`,
        {},
        { token: alice.token },
      ),
      await app.gql(LOG_IN, { input: { login: 'alice', password: alice.password } }),
      await app.gql(`{ user(username: "alice") { id username } }`),
      await app.gql(`{ __type(name: "User") { fields { name } } }`),
    ];
    for (const res of responses) for (const secret of secrets) expect(res.text).not.toContain(secret);
    const fields = responses[3]!.data.__type.fields.map((f: { name: string }) => f.name);
    expect(fields).not.toContain('passwordHash');
    expect(fields).not.toContain('email');
  });
});
