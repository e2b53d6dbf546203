import { usingPostgres } from '../support/database';
import { codesOf, type TestApp } from '../support/app';
import { dbIdOf, followUser, signUp, signUpMany } from '../support/scenario';
import { CONFLICT_ATTEMPTS } from '../../src/db/retry';
import { faultInjectionApp } from './support';

/**
 * A write PostgreSQL aborts for a deadlock (40P01) or a serialization failure (40001) is run
 * again, a bounded number of times. The conflicts are injected by a test-only trigger so the
 * retry is proven deterministically; on PostgreSQL, real mutual follows race as well (the
 * follow counter trigger locks both users' rows, the classic deadlock shape).
 */
const faults = faultInjectionApp();
const fail = faults.fail;
let app: TestApp;
beforeAll(() => {
  app = faults.app;
});

const FOLLOW = `mutation ($id: ID!) { follow(userId: $id) { followerCount viewerIsFollowing } }`;
const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { user { username } } }`;

it('follow: two deadlocks in a row, then success on the third attempt', async () => {
  const [fan, star] = await signUpMany(app, 2);
  const fault = await fail({ table: 'follows', op: 'INSERT', sqlState: '40P01', times: 2 });
  const res = await app.gql(FOLLOW, { id: star!.id }, { token: fan!.token });
  expect(res.errors).toBeUndefined();
  expect(res.data.follow).toEqual({ followerCount: 1, viewerIsFollowing: true });
  expect(await fault.attempts()).toBe(3);
});

it('follow: a conflict that never clears gives up after the bounded attempts, writing nothing', async () => {
  const [fan, star] = await signUpMany(app, 2);
  const fault = await fail({ table: 'follows', op: 'INSERT', sqlState: '40001' });
  const res = await app.gql(FOLLOW, { id: star!.id }, { token: fan!.token });
  expect(codesOf(res)).toEqual(['INTERNAL_SERVER_ERROR']);
  expect(await fault.attempts()).toBe(CONFLICT_ATTEMPTS);
  expect(await app.db.prisma.follow.count({ where: { followerId: dbIdOf(fan!) } })).toBe(0);
});

it('signUp: a serialization failure on the session retries the whole transaction once', async () => {
  const fault = await fail({ table: 'sessions', op: 'INSERT', sqlState: '40001', times: 1 });
  const input = {
    username: 'retried_signup',
    email: 'retried@example.com',
    password: 'correct horse battery',
  };
  const res = await app.gql(SIGN_UP, { input });
  expect(res.errors).toBeUndefined();
  expect(await fault.attempts()).toBe(2);
  expect(await app.db.prisma.user.count({ where: { username: 'retried_signup' } })).toBe(1);
  expect(await app.db.prisma.session.count({ where: { user: { username: 'retried_signup' } } })).toBe(1);
});

it('any other error is not retried', async () => {
  const [fan, star] = await signUpMany(app, 2);
  const fault = await fail({ table: 'follows', op: 'INSERT' });
  expect(codesOf(await app.gql(FOLLOW, { id: star!.id }, { token: fan!.token }))).toEqual([
    'INTERNAL_SERVER_ERROR',
  ]);
  expect(await fault.attempts()).toBe(1);
});

(usingPostgres ? it : it.skip)('everyone following everyone at once: no error, exact counts', async () => {
  const users = await Promise.all(
    Array.from({ length: 8 }, (_, i) => signUp(app, `mutual_${process.pid}_${i}`)),
  );
  const pairs = users.flatMap((a) => users.filter((b) => b !== a).map((b) => [a, b] as const));
  pairs.sort(() => Math.random() - 0.5);
  await Promise.all(pairs.map(([a, b]) => followUser(app, a, b)));
  for (const user of users) {
    const res = await app.gql(`query ($u: String!) { user(username: $u) { followerCount followingCount } }`, {
      u: user.username,
    });
    expect(res.data.user).toEqual({ followerCount: 7, followingCount: 7 });
  }
});
