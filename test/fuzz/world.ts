import type { GraphQLSchema } from 'graphql';
import { openSession } from '../../src/auth/sessions';
import type { TestApp } from '../support/app';
import {
  addComment,
  createPost,
  dbIdOf,
  followUser,
  likePost,
  signUp,
  type TestUser,
} from '../support/scenario';
import { typeOfGlobalId, type Pools } from './plain';

/**
 * What the fuzzer works with: the app, its schema, a signed-up fuzzing user, and data around
 * it so that every connection has a row (hence a real cursor to forge from) and valid-ish
 * values reach past validation into the services and the database.
 */
export interface World {
  readonly app: TestApp;
  readonly schema: GraphQLSchema;
  readonly pools: Pools;
  /** the fuzzing user's current token (a fuzzed logOut may revoke one) */
  token(): string;
  /** a fresh session for the fuzzing user, written directly: its password may have been fuzzed */
  renewSession(): Promise<void>;
  /**
   * Re-creates the fuzzing user's post and comment if fuzzed mutations deleted them, so that
   * every property starts with a post of its own to edit and to page through.
   */
  restore(): Promise<void>;
}

export async function setUpWorld(app: TestApp, schema: GraphQLSchema): Promise<World> {
  const [user, other] = [await signUp(app), await signUp(app)];
  await followUser(app, user, other);
  await followUser(app, other, user);
  // Captions with a hashtag and a mention: Hashtag.posts, Post.hashtags and mentions have rows.
  const theirs = await createPost(app, other, { caption: `by someone else #fuzz @${user.username}` });
  await addComment(app, other, theirs);
  await likePost(app, user, theirs);
  const own = await ownPost(app, user, other);
  const comment = await addComment(app, user, theirs);
  // A pending request to the fuzzing user (written directly: the user stays public), a block
  // and a mute of theirs: every list of the privacy part has a row.
  const [asker, shunned] = [await signUp(app), await signUp(app)];
  await app.db.prisma.followRequest.create({ data: { requesterId: dbIdOf(asker), targetId: dbIdOf(user) } });
  for (const [mutation, target] of [
    ['block', shunned],
    ['mute', other],
  ] as const) {
    await app.gql(
      `mutation ($id: ID!) { ${mutation}(userId: $id) { id } }`,
      { id: target.id },
      { token: user.token },
    );
  }
  // A notification of theirs (the other user follows them), for markNotificationsRead(upTo).
  const listed = await app.gql(
    `{ notifications(first: 1) { edges { node { id } } } }`,
    {},
    { token: user.token },
  );
  const notification: string = listed.data.notifications.edges[0].node.id;
  // The fuzzing user's own rows first: most mutations are theirs to make (editPost of their post).
  const pools: Pools = {
    ids: [own, theirs, user.id, other.id, comment, notification],
    usernames: [user.username, other.username],
    email: user.email,
    password: user.password,
    cursors: new Map(),
    nodeTypes: [...new Set([own, user.id, comment, notification].map(typeOfGlobalId))],
  };
  let token = user.token;
  const seeded = { post: own, comment };
  const replace = (key: keyof typeof seeded, by: string) => {
    pools.ids.splice(pools.ids.indexOf(seeded[key]), 1, by);
    seeded[key] = by;
  };
  return {
    app,
    schema,
    pools,
    token: () => token,
    async renewSession() {
      token = await openSession(app.db.prisma, dbIdOf(user), app.config.SESSION_TTL_DAYS);
    },
    async restore() {
      const current = { ...user, token };
      if (!(await exists(app, seeded.post))) replace('post', await ownPost(app, current, other));
      if (!(await exists(app, seeded.comment))) replace('comment', await addComment(app, current, theirs));
    },
  };
}

/** A post by `user` with a comment and a like by `other`. */
async function ownPost(app: TestApp, user: TestUser, other: TestUser): Promise<string> {
  const post = await createPost(app, user, { caption: `by the fuzzing user #fuzz @${other.username}` });
  await addComment(app, other, post);
  await likePost(app, other, post);
  return post;
}

async function exists(app: TestApp, id: string): Promise<boolean> {
  const res = await app.gql<{ node: { id: string } | null }>(`query ($id: ID!) { node(id: $id) { id } }`, {
    id,
  });
  return res.data.node !== null;
}
