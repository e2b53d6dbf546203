import type { TestApp } from './app';

/**
 * One-line builders so tests read like the scenario they check. Every builder goes through
 * the public API, as a client would.
 */
export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
  token: string;
}

let counter = 0;

export async function signUp(
  app: TestApp,
  username?: string,
  password = 'correct horse battery',
): Promise<TestUser> {
  const name = username ?? `user_${process.pid}_${++counter}`;
  const email = `${name}@example.com`;
  const res = await app.gql<{ signUp: { token: string; user: { id: string; username: string } } }>(
    `mutation ($input: SignUpInput!) { signUp(input: $input) { token user { id username } } }`,
    { input: { username: name, email, password } },
  );
  if (res.errors) throw new Error(`signUp failed: ${JSON.stringify(res.errors)}`);
  return {
    id: res.data.signUp.user.id,
    username: res.data.signUp.user.username,
    email,
    password,
    token: res.data.signUp.token,
  };
}

/**
 * Has the server check the user's token now, so that it keeps the check (SESSION_CACHE_MS) and a
 * request measured next counts only its own statements, as most requests of a signed-in client.
 */
export async function useToken(app: TestApp, user: TestUser): Promise<void> {
  const res = await app.gql(`{ viewer { id } }`, {}, { token: user.token });
  if (res.errors) throw new Error(`token refused: ${JSON.stringify(res.errors)}`);
}

// --- follows, feeds and search (test/follows, test/feed, test/search, test/pagination) ---

/** The database id behind a test user's global id, for rows written directly. */
export function dbIdOf(user: TestUser): bigint {
  const [type, id] = Buffer.from(user.id, 'base64url').toString().split(':');
  if (type !== 'User' || !id) throw new Error(`not a User id: ${user.id}`);
  return BigInt(id);
}

export async function followUser(app: TestApp, follower: TestUser, followee: TestUser): Promise<void> {
  const res = await app.gql(
    `mutation ($id: ID!) { follow(userId: $id) { id } }`,
    { id: followee.id },
    { token: follower.token },
  );
  if (res.errors) throw new Error(`follow failed: ${JSON.stringify(res.errors)}`);
}

/**
 * A post written straight into the database (one media item), so a test can choose its
 * createdAt, e.g. to make ties; the counters still move, through the database triggers.
 */
export async function createPostRow(
  app: TestApp,
  author: TestUser,
  options: { caption?: string; createdAt?: Date } = {},
): Promise<{ id: bigint; caption: string }> {
  const post = await app.db.prisma.post.create({
    data: {
      authorId: dbIdOf(author),
      caption: options.caption ?? `post by ${author.username}`,
      createdAt: options.createdAt,
      media: {
        create: [{ position: 0, url: `https://cdn.example.com/${author.username}/${Date.now()}.jpg` }],
      },
    },
  });
  return { id: post.id, caption: post.caption };
}

export async function createCommentRow(
  app: TestApp,
  postId: bigint,
  author: TestUser,
  body = 'nice',
): Promise<bigint> {
  const comment = await app.db.prisma.comment.create({ data: { postId, authorId: dbIdOf(author), body } });
  return comment.id;
}

// --- posts, comments and likes (test/posts, test/comments, test/likes) ---

/** The response data, or a thrown error naming the builder when the API refused. */
function dataOf<T>(what: string, res: { data: T; errors?: unknown[] }): T {
  if (res.errors) throw new Error(`${what} failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

export interface TestMediaInput {
  url: string;
  altText?: string | null;
  width?: number | null;
  height?: number | null;
}

export const photo = (n = 0): TestMediaInput => ({
  url: `https://cdn.example.com/photos/${n}.jpg`,
  width: 1080,
  height: 1350,
});

/** A post by `author` with one photo unless told otherwise; returns its global id. */
export async function createPost(
  app: TestApp,
  author: TestUser,
  input: { caption?: string; media?: TestMediaInput[] } = {},
): Promise<string> {
  const res = await app.gql<{ createPost: { id: string } }>(
    `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`,
    { input: { caption: input.caption ?? 'a post', media: input.media ?? [photo()] } },
    { token: author.token },
  );
  return dataOf('createPost', res).createPost.id;
}

export async function likePost(app: TestApp, user: TestUser, postId: string): Promise<void> {
  const res = await app.gql(
    `mutation ($id: ID!) { likePost(postId: $id) { id } }`,
    { id: postId },
    { token: user.token },
  );
  dataOf('likePost', res);
}

/** A comment by `author` on the post; returns its global id. */
export async function addComment(
  app: TestApp,
  author: TestUser,
  postId: string,
  body = 'nice shot',
): Promise<string> {
  const res = await app.gql<{ addComment: { id: string } }>(
    `mutation ($input: AddCommentInput!) { addComment(input: $input) { id } }`,
    { input: { postId, body } },
    { token: author.token },
  );
  return dataOf('addComment', res).addComment.id;
}

/** `count` users at once (sign-up hashes a password, so in parallel). */
export const signUpMany = (app: TestApp, count: number): Promise<TestUser[]> =>
  Promise.all(Array.from({ length: count }, () => signUp(app)));
