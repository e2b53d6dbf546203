import { startTestApp, codesOf, type TestApp } from '../support/app';
import {
  addComment,
  createPost,
  dbIdOf,
  followUser,
  likePost,
  photo,
  signUp,
  signUpMany,
  type TestUser,
} from '../support/scenario';
import { faultInjectionApp } from './support';

/**
 * Every mutation that writes several rows writes all of them or none: a failure injected
 * midway (a test-only trigger that raises on one row) leaves nothing of the operation behind,
 * answers a masked INTERNAL_SERVER_ERROR, and leaves every counter equal to its rows.
 * Deleting a post or a user leaves no orphan and corrects the counters.
 */
const faults = faultInjectionApp();
const fail = faults.fail;
let app: TestApp;
beforeAll(() => {
  app = faults.app;
});

/** The failed write's answer: masked, with nothing of the injected error in it. */
function expectMaskedFailure(res: { errors?: unknown[]; text: string }): void {
  expect(codesOf(res as never)).toEqual(['INTERNAL_SERVER_ERROR']);
  expect(res.text).not.toMatch(/injected|raise|trigger|post_media|sessions|comments/i);
}

const CREATE_POST = `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`;
const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`;
const LOG_IN = `mutation ($input: LogInInput!) { logIn(input: $input) { token } }`;
const CHANGE_PASSWORD = `mutation ($current: String!, $next: String!) {
  changePassword(currentPassword: $current, newPassword: $next)
}`;
const DELETE_POST = `mutation ($id: ID!) { deletePost(id: $id) }`;

const logIn = (user: TestUser, password = user.password) =>
  app.gql(LOG_IN, { input: { login: user.username, password } });

describe('a multi-row write that fails midway leaves nothing behind', () => {
  it('createPost: the third photo fails, so neither the post nor its first two photos exist', async () => {
    const author = await signUp(app);
    await fail({ table: 'post_media', op: 'INSERT', when: 'NEW.position = 2' });
    const media = [photo(0), photo(1), photo(2), photo(3)];
    const res = await app.gql(CREATE_POST, { input: { caption: 'doomed', media } }, { token: author.token });
    expectMaskedFailure(res);
    const authorId = dbIdOf(author);
    expect(await app.db.prisma.post.count({ where: { authorId } })).toBe(0);
    expect(await app.db.prisma.media.count({ where: { post: { authorId } } })).toBe(0);
    expect((await app.db.prisma.user.findUniqueOrThrow({ where: { id: authorId } })).postCount).toBe(0);
  });

  it('signUp: the session fails, so the account does not exist and the name stays free', async () => {
    const fault = await fail({ table: 'sessions', op: 'INSERT' });
    const input = { username: 'half_signed', email: 'half@example.com', password: 'correct horse battery' };
    expectMaskedFailure(await app.gql(SIGN_UP, { input }));
    expect(await app.db.prisma.user.count({ where: { username: 'half_signed' } })).toBe(0);

    await fault.remove();
    const retry = await app.gql(SIGN_UP, { input });
    expect(retry.errors).toBeUndefined();
  });

  it('changePassword: revoking the other sessions fails, so the password is unchanged too', async () => {
    const user = await signUp(app);
    const other = (await logIn(user)).data.logIn.token as string;
    const fault = await fail({ table: 'sessions', op: 'DELETE' });
    const res = await app.gql(
      CHANGE_PASSWORD,
      { current: user.password, next: 'a brand new secret' },
      { token: user.token },
    );
    expectMaskedFailure(res);
    await fault.remove();

    expect((await logIn(user)).errors).toBeUndefined();
    expect(codesOf(await logIn(user, 'a brand new secret'))).toEqual(['UNAUTHENTICATED']);
    const stillSignedIn = await app.gql('{ viewer { username } }', {}, { token: other });
    expect(stillSignedIn.data.viewer.username).toBe(user.username);
  });

  it('logIn with a hash upgrade: the session fails, so the stored hash is not upgraded either', async () => {
    const user = await signUp(app);
    const before = await app.db.prisma.user.findUniqueOrThrow({ where: { id: dbIdOf(user) } });
    // A second instance with a higher argon2 cost rehashes on login.
    const stronger = await startTestApp({ ARGON2_TIME_COST: '3' }, { db: app.db });
    try {
      await fail({ table: 'sessions', op: 'INSERT' });
      expectMaskedFailure(
        await stronger.gql(LOG_IN, { input: { login: user.username, password: user.password } }),
      );
    } finally {
      await stronger.stop();
    }
    const after = await app.db.prisma.user.findUniqueOrThrow({ where: { id: dbIdOf(user) } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(await app.db.prisma.session.count({ where: { userId: dbIdOf(user) } })).toBe(1);
  });

  it('deletePost: removing its comments fails, so the post keeps its photos, comments, likes and counts', async () => {
    const [author, fan] = await signUpMany(app, 2);
    const postId = await createPost(app, author!, { media: [photo(0), photo(1)] });
    await likePost(app, fan!, postId);
    await addComment(app, fan!, postId, 'first');
    await addComment(app, author!, postId, 'thanks');
    await fail({ table: 'comments', op: 'DELETE' });

    expectMaskedFailure(await app.gql(DELETE_POST, { id: postId }, { token: author!.token }));

    const post = await app.gql(
      `query ($id: ID!) { node(id: $id) { ... on Post { likeCount commentCount media { url } } } }`,
      { id: postId },
    );
    expect(post.data.node).toEqual({
      likeCount: 1,
      commentCount: 2,
      media: [photo(0), photo(1)].map(({ url }) => ({ url })),
    });
    expect((await app.db.prisma.user.findUniqueOrThrow({ where: { id: dbIdOf(author!) } })).postCount).toBe(
      1,
    );
  });
});

describe('deleting leaves no orphans', () => {
  it('deletePost removes its photos, comments and likes and corrects the counters', async () => {
    const [author, fan] = await signUpMany(app, 2);
    const postId = await createPost(app, author!, { media: [photo(0), photo(1), photo(2)] });
    const keptId = await createPost(app, author!);
    await likePost(app, fan!, postId);
    await likePost(app, author!, postId);
    await addComment(app, fan!, postId);

    const res = await app.gql(DELETE_POST, { id: postId }, { token: author!.token });
    expect(res.errors).toBeUndefined();

    const id = BigInt(Buffer.from(postId, 'base64url').toString().split(':')[1]!);
    const prisma = app.db.prisma;
    expect(await prisma.media.count({ where: { postId: id } })).toBe(0);
    expect(await prisma.comment.count({ where: { postId: id } })).toBe(0);
    expect(await prisma.like.count({ where: { postId: id } })).toBe(0);
    const profile = await app.gql(
      `query ($u: String!) { user(username: $u) { postCount posts(first: 5) { edges { node { id } } } } }`,
      { u: author!.username },
    );
    expect(profile.data.user).toEqual({ postCount: 1, posts: { edges: [{ node: { id: keptId } }] } });
  });

  it("deleting a user (an operator's DELETE; the API has no such mutation) takes everything of theirs", async () => {
    const [leaver, friend, stranger] = await signUpMany(app, 3);
    const leaversPost = await createPost(app, leaver!, { media: [photo(0), photo(1)] });
    const friendsPost = await createPost(app, friend!);
    await likePost(app, friend!, leaversPost);
    await addComment(app, stranger!, leaversPost);
    await likePost(app, leaver!, friendsPost);
    await addComment(app, leaver!, friendsPost, 'from the leaver');
    await addComment(app, stranger!, friendsPost, 'from a stranger');
    await followUser(app, leaver!, friend!);
    await followUser(app, friend!, leaver!);
    await followUser(app, stranger!, leaver!);
    await followUser(app, stranger!, friend!);

    await app.db.prisma.user.delete({ where: { id: dbIdOf(leaver!) } });

    const leaverId = dbIdOf(leaver!);
    const prisma = app.db.prisma;
    expect(await prisma.post.count({ where: { authorId: leaverId } })).toBe(0);
    expect(await prisma.session.count({ where: { userId: leaverId } })).toBe(0);
    expect(await prisma.comment.count({ where: { authorId: leaverId } })).toBe(0);
    expect(await prisma.like.count({ where: { userId: leaverId } })).toBe(0);
    expect(
      await prisma.follow.count({ where: { OR: [{ followerId: leaverId }, { followeeId: leaverId }] } }),
    ).toBe(0);

    const friendView = await app.gql(
      `query ($u: String!, $p: ID!) {
        user(username: $u) { followerCount followingCount }
        node(id: $p) { ... on Post { likeCount commentCount } }
      }`,
      { u: friend!.username, p: friendsPost },
    );
    expect(friendView.data).toEqual({
      user: { followerCount: 1, followingCount: 0 },
      node: { likeCount: 0, commentCount: 1 },
    });
    const strangerView = await app.gql(`query ($u: String!) { user(username: $u) { followingCount } }`, {
      u: stranger!.username,
    });
    expect(strangerView.data.user.followingCount).toBe(1);
    // The leaver's token is dead with the account: its session went with it. (An instance that
    // checked the token lately keeps that check up to SESSION_CACHE_MS, as the README says of
    // sessions deleted in the database; one that keeps none sees it at once.)
    const uncached = await startTestApp({ SESSION_CACHE_MS: '0' }, { db: app.db });
    try {
      expect(codesOf(await uncached.gql('{ viewer { id } }', {}, { token: leaver!.token }))).toEqual([
        'UNAUTHENTICATED',
      ]);
    } finally {
      await uncached.stop();
    }
  });
});
