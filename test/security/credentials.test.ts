import { startTestApp, type TestApp } from '../support/app';
import { addComment, createPost, followUser, likePost, signUp, type TestUser } from '../support/scenario';

/**
 * Email addresses and password hashes are read by the auth module alone: no other request
 * selects them, so a user fetched for a feed page, a list or a profile never carries them
 * (one mistake in a resolver could otherwise expose them).
 */
const CREDENTIAL_COLUMNS = /password_hash|\bemail\b/;

const EVERY_USER_PATH = `query ($username: String!, $userId: ID!, $postId: ID!) {
  viewer { id username followers { edges { node { username } } } following { edges { node { username } } } }
  user(username: $username) { id displayName posts(first: 2) { edges { node { id } } } }
  node(id: $userId) { ... on User { username } }
  post(id: $postId) {
    author { username }
    likedBy { edges { node { username } } }
    comments { edges { node { body author { username } } } }
  }
  feed(first: 5) { edges { node {
    author { username }
    comments(first: 3) { edges { node { author { username } } } }
  } } }
  explore(first: 5) { edges { node { author { username } } } }
  searchUsers(query: "cred") { edges { node { username } } }
}`;

let app: TestApp;
let alice: TestUser;
let bob: TestUser;
let postId: string;
beforeAll(async () => {
  app = await startTestApp();
  alice = await signUp(app, 'cred_alice');
  bob = await signUp(app, 'cred_bob');
  await followUser(app, alice, bob);
  await followUser(app, bob, alice);
  postId = await createPost(app, bob, { caption: 'credentials stay home' });
  await likePost(app, alice, postId);
  await addComment(app, alice, postId, 'nice');
});
afterAll(() => app.stop());

it('are not selected by any query or mutation but the auth ones', async () => {
  const { result, statements } = await app.db.statements.capture(async () => [
    await app.gql(
      EVERY_USER_PATH,
      { username: bob.username, userId: bob.id, postId },
      { token: alice.token },
    ),
    await app.gql(`mutation { updateProfile(input: { bio: "hi" }) { bio } }`, {}, { token: alice.token }),
    await app.gql(
      `mutation ($id: ID!) { unfollow(userId: $id) { followerCount } follow(userId: $id) { followerCount } }`,
      { id: bob.id },
      { token: alice.token },
    ),
  ]);
  for (const res of result) expect(res.errors).toBeUndefined();
  const [everything] = result as { data: any }[];
  expect(everything!.data.feed.edges[0].node.comments.edges[0].node.author.username).toBe('cred_alice');
  expect(everything!.data.post.likedBy.edges[0].node.username).toBe('cred_alice');
  expect(everything!.data.searchUsers.edges.length).toBe(2);
  expect(statements.length).toBeGreaterThan(5);
  expect(statements.filter((sql) => CREDENTIAL_COLUMNS.test(sql))).toEqual([]);
});

it('are read where they are needed: logging in (so the check above sees real SQL)', async () => {
  const { result, statements } = await app.db.statements.capture(() =>
    app.gql(`mutation ($input: LogInInput!) { logIn(input: $input) { user { username } } }`, {
      input: { login: alice.email, password: alice.password },
    }),
  );
  expect(result.errors).toBeUndefined();
  expect(statements.some((sql) => /password_hash/.test(sql) && /\bemail\b/.test(sql))).toBe(true);
});
