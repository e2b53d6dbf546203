import { Prisma } from '../../src/generated/prisma/client';
import { PUBLIC_CONTENT, type ReadPolicy } from '../../src/core/visibility';
import { startTestApp, type TestApp } from '../support/app';
import {
  addComment,
  createPost,
  dbIdOf,
  followUser,
  likePost,
  signUp,
  type TestUser,
} from '../support/scenario';
import {
  closeAllSockets,
  COMMENT_ADDED,
  openSocket,
  POST_CREATED,
  subscribersReach,
} from '../realtime/support';

/**
 * Who may see what is decided in one place (core/visibility.ts). This proves every read path
 * goes through it: with a policy that hides one chosen user (their account, posts and
 * comments) from everyone, no path returns any of it, while a control user who did the same
 * things shows up on every path, so each check is known to have reached data.
 */
let hiddenId = 0n;
const notHidden = (column: Prisma.Sql) => Prisma.sql`${column} <> ${hiddenId}`;
const hideOneUser: ReadPolicy = {
  user: (_viewer, alias) => notHidden(Prisma.raw(`${alias}.id`)),
  contentOf: (_viewer, authorId) => notHidden(authorId),
  post: (_viewer, alias) => notHidden(Prisma.raw(`${alias}.author_id`)),
  comment: (_viewer, alias) => notHidden(Prisma.raw(`${alias}.author_id`)),
  commentUnderShownPost: (_viewer, alias) => notHidden(Prisma.raw(`${alias}.author_id`)),
  feedAuthors: (viewer) =>
    Prisma.sql`SELECT a.id FROM (${PUBLIC_CONTENT.feedAuthors(viewer)}) a WHERE ${notHidden(Prisma.raw('a.id'))}`,
  feedPost: (_viewer, alias) => notHidden(Prisma.raw(`${alias}.author_id`)),
  actor: (_viewer, actorId) => notHidden(actorId),
  everythingVisible: false,
};

let app: TestApp;
let viewer: TestUser;
let hidden: TestUser;
let control: TestUser;
/** ids of what the hidden user (and the control user) made */
const made = { hidden: [] as string[], control: [] as string[] };
let viewersPost: string;

beforeAll(async () => {
  app = await startTestApp({}, { policy: hideOneUser });
  [viewer, hidden, control] = [
    await signUp(app, 'viewer'),
    await signUp(app, 'hideme'),
    await signUp(app, 'hicontrol'),
  ];
  viewersPost = await createPost(app, viewer, { caption: 'the viewer posts' });
  for (const [who, ids] of [
    [hidden, made.hidden],
    [control, made.control],
  ] as const) {
    ids.push(who.id);
    await followUser(app, viewer, who);
    await followUser(app, who, viewer);
    ids.push(await createPost(app, who, { caption: `by ${who.username} #seam` }));
    await likePost(app, who, viewersPost);
    ids.push(await addComment(app, who, viewersPost, `from ${who.username}`));
  }
  // the viewer mentions both, in the caption and in a comment
  const edit = await app.gql(
    `mutation ($id: ID!) { editPost(id: $id, caption: "the viewer posts, with @hideme and @hicontrol") { id } }`,
    { id: viewersPost },
    { token: viewer.token },
  );
  if (edit.errors) throw new Error(JSON.stringify(edit.errors));
  await addComment(app, viewer, viewersPost, 'hi @hideme and @hicontrol');
  // from here on (the setup above acts on what it hides)
  hiddenId = dbIdOf(hidden);
});
afterEach(() => closeAllSockets(app));
afterAll(() => app.stop());

const hiddenUser = () => made.hidden[0]!;
const hiddenPost = () => made.hidden[1]!;
const hiddenComment = () => made.hidden[2]!;
const controlUser = () => made.control[0]!;
const controlPost = () => made.control[1]!;
const controlComment = () => made.control[2]!;
const ID = `... on Node { id }`;

/** [read path, document, variables: (hidden?) => vars, the control's id expected in the answer] */
const READ_PATHS: [string, string, (h: boolean) => Record<string, unknown>, () => string][] = [
  [
    'user(username:)',
    `query ($u: String!) { user(username: $u) { id } }`,
    (h) => ({ u: h ? 'hideme' : 'hicontrol' }),
    controlUser,
  ],
  [
    'node(id:) of the user',
    `query ($id: ID!) { node(id: $id) { id } }`,
    (h) => ({ id: h ? hiddenUser() : controlUser() }),
    controlUser,
  ],
  [
    'node(id:) of a post',
    `query ($id: ID!) { node(id: $id) { id } }`,
    (h) => ({ id: h ? hiddenPost() : controlPost() }),
    controlPost,
  ],
  [
    'node(id:) of a comment',
    `query ($id: ID!) { node(id: $id) { id } }`,
    (h) => ({ id: h ? hiddenComment() : controlComment() }),
    controlComment,
  ],
  [
    'post(id:)',
    `query ($id: ID!) { post(id: $id) { id } }`,
    (h) => ({ id: h ? hiddenPost() : controlPost() }),
    controlPost,
  ],
  ['feed', `{ feed { edges { node { id } } } }`, () => ({}), controlPost],
  [
    'feed with first comments',
    `{ feed { edges { node { id comments(first: 5) { edges { node { id author { id } } } } } } } }`,
    () => ({}),
    controlComment,
  ],
  ['explore', `{ explore { edges { node { id author { id } } } } }`, () => ({}), controlPost],
  ['searchUsers', `{ searchUsers(query: "hi") { edges { node { id } } } }`, () => ({}), controlUser],
  [
    'searchUsers (hidden name)',
    `{ searchUsers(query: "hide") { edges { node { id } } } }`,
    () => ({}),
    () => '',
  ],
  ['viewer.followers', `{ viewer { followers { edges { node { id } } } } }`, () => ({}), controlUser],
  ['viewer.following', `{ viewer { following { edges { node { id } } } } }`, () => ({}), controlUser],
  [
    'post.likedBy',
    `query ($id: ID!) { post(id: $id) { likedBy { edges { node { id } } } } }`,
    () => ({ id: viewersPost }),
    controlUser,
  ],
  [
    'post.comments and their authors',
    `query ($id: ID!) { post(id: $id) { comments { edges { node { id author { id } } } } } }`,
    () => ({ id: viewersPost }),
    controlComment,
  ],
  [
    'user posts',
    `query ($u: String!) { user(username: $u) { posts { edges { node { ${ID} } } } } }`,
    (h) => ({ u: h ? 'hideme' : 'hicontrol' }),
    controlPost,
  ],
  [
    'hashtag(name:) and its posts',
    `{ hashtag(name: "#SEAM") { postCount posts { edges { node { id author { id } } } } } }`,
    () => ({}),
    controlPost,
  ],
  [
    'searchHashtags and trendingHashtags, with posts',
    `{ searchHashtags(query: "se") { edges { node { posts { edges { node { id } } } } } }
       trendingHashtags { posts { edges { node { id } } } } }`,
    () => ({}),
    controlPost,
  ],
  [
    'post.mentions and comment mentions',
    `query ($id: ID!) { post(id: $id) { mentions { id } comments { edges { node { mentions { id } } } } } }`,
    () => ({ id: viewersPost }),
    controlUser,
  ],
  ["the viewer's own posts", `{ viewer { posts { edges { node { id } } } } }`, () => ({}), () => viewersPost],
  [
    'notifications with their actors, posts and comments',
    `{ notifications { edges { node { id actor { id } actors(first: 10) { id } post { id } comment { id } } } } }`,
    () => ({}),
    controlComment,
  ],
];

describe.each(READ_PATHS)('%s', (_path, query, variables, controlId) => {
  it("returns nothing of the hidden user's, and the control user's things", async () => {
    for (const hiddenCase of [true, false]) {
      const res = await app.gql(query, variables(hiddenCase), { token: viewer.token });
      expect(res.errors).toBeUndefined();
      for (const id of made.hidden) expect(res.text).not.toContain(id);
      if (!hiddenCase && controlId()) expect(res.text).toContain(controlId());
    }
  });
});

describe('subscriptions', () => {
  it('postCreated: a new post by the hidden user is not delivered', async () => {
    const toViewer = openSocket(app, { token: viewer.token }).subscribe(POST_CREATED);
    await subscribersReach(app, 1);
    await createPost(app, hidden, { caption: 'hidden news' });
    const next = await createPost(app, control, { caption: 'control news' });
    expect((await toViewer.next()).data?.postCreated.id).toBe(next);
  });

  it('commentAdded: a new comment by the hidden user is not delivered', async () => {
    const toViewer = openSocket(app, { token: viewer.token }).subscribe(COMMENT_ADDED, {
      postId: viewersPost,
    });
    await subscribersReach(app, 1);
    await addComment(app, hidden, viewersPost, 'hidden words');
    const next = await addComment(app, control, viewersPost, 'control words');
    expect((await toViewer.next()).data?.commentAdded.id).toBe(next);
  });

  it("notificationReceived: the hidden user's action is not delivered", async () => {
    const toViewer = openSocket(app, { token: viewer.token }).subscribe(
      `subscription { notificationReceived { kind comment { id } actor { id } } }`,
    );
    await subscribersReach(app, 1);
    await addComment(app, hidden, viewersPost, 'hidden mention');
    const next = await addComment(app, control, viewersPost, 'control mention');
    expect((await toViewer.next()).data?.notificationReceived).toEqual({
      kind: 'COMMENT',
      comment: { id: next },
      actor: { id: controlUser() },
    });
  });
});
