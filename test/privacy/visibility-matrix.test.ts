import fs from 'node:fs';
import path from 'node:path';
import { PRIVACY_RULES } from '../../src/core/visibility';
import { notifyMentions } from '../../src/notifications/service';
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
import { closeAllSockets, openSocket, subscribersReach } from '../realtime/support';
import { expected, KINDS, MATRIX, RELATIONS, renderMatrix, type Kind, type Relation } from './matrix';
import { block, idsAt, mute, setPrivate } from './support';

/**
 * The visibility matrix: for each account kind, one account (`account`) with a post, a
 * follower, a followee, and a comment and a like on someone else's public post, and one viewer
 * per relation to it. Every read path of MATRIX is asked as every viewer, and the answers are
 * compared with the table, cell by cell.
 */
let app: TestApp;
type World = {
  account: TestUser;
  follower: TestUser;
  followee: TestUser;
  viewers: Record<Relation, TestUser | null>;
  post: string;
  hostPost: string;
  comment: string;
  /** the account's post carries #<tagPrefix>_own and #<tagPrefix>_shared, the host's the latter */
  tagPrefix: string;
};
const worlds = {} as Record<Kind, World>;

type Eight = [TestUser, TestUser, TestUser, TestUser, TestUser, TestUser, TestUser, TestUser];

async function buildWorld(kind: Kind): Promise<World> {
  const k = kind.slice(0, 3);
  const [account, follower, requester, stranger, blocked, blocker, muter, host] = (await Promise.all(
    ['acct', 'fol', 'req', 'str', 'bkd', 'bkr', 'mtr', 'host'].map((name) => signUp(app, `m${k}_${name}`)),
  )) as Eight;
  const hostPost = await createPost(app, host, {
    caption: `a public post by another account #m${k}_shared, with @${account.username}`,
  });
  await addComment(app, host, hostPost, `and a comment, with @${account.username}`);
  for (const viewer of [follower, blocked, blocker, muter]) await followUser(app, viewer, account);
  await followUser(app, account, host);
  const post = await createPost(app, account, {
    caption: `the ${kind} account's post #m${k}_own #m${k}_shared`,
  });
  const comment = await addComment(app, account, hostPost, `the ${kind} account's comment`);
  await likePost(app, account, hostPost);
  if (kind === 'private') {
    await setPrivate(app, account, true);
    await followUser(app, requester, account); // a request, not a follow
  }
  await block(app, account, blocked);
  await block(app, blocker, account);
  await mute(app, muter, account);
  return {
    account: account,
    follower: follower,
    followee: host,
    viewers: {
      anonymous: null,
      self: account,
      follower: follower,
      requester: requester,
      stranger: stranger,
      blocked: blocked,
      blocker: blocker,
      muter: muter,
    },
    post,
    hostPost,
    comment,
    tagPrefix: `m${k}`,
  };
}

beforeAll(async () => {
  app = await startTestApp();
  for (const kind of KINDS) worlds[kind] = await buildWorld(kind);
}, 120_000);
afterEach(() => closeAllSockets(app));
afterAll(() => app.stop());

type Check = (w: World, viewer: TestUser | null) => Promise<boolean>;

async function ask(viewer: TestUser | null, query: string, variables: Record<string, unknown> = {}) {
  const res = await app.gql(query, variables, viewer ? { token: viewer.token } : {});
  if (res.errors && process.env.DEBUG_MATRIX) console.log(JSON.stringify(res.errors));
  return res.data ?? null;
}

const userQuery = (selection: string) => `query ($u: String!) { user(username: $u) { ${selection} } }`;
const postQuery = (selection: string) => `query ($id: ID!) { post(id: $id) { ${selection} } }`;
const nodeQuery = `query ($id: ID!) { node(id: $id) { id } }`;

/** How each read path of MATRIX is asked, and what "seen" is in its answer. */
const CHECKS: Record<string, Check> = {
  'user(username)': async (w, v) =>
    (await ask(v, userQuery('id'), { u: w.account.username }))?.user?.id === w.account.id,
  'node(id) of the user': async (w, v) =>
    (await ask(v, nodeQuery, { id: w.account.id }))?.node?.id === w.account.id,
  'User.viewerCanSeeContent': async (w, v) =>
    (await ask(v, userQuery('viewerCanSeeContent'), { u: w.account.username }))?.user?.viewerCanSeeContent ===
    true,
  'post(id)': async (w, v) => (await ask(v, postQuery('id'), { id: w.post }))?.post?.id === w.post,
  'node(id) of the post': async (w, v) => (await ask(v, nodeQuery, { id: w.post }))?.node?.id === w.post,
  'User.posts': async (w, v) =>
    idsAt(await ask(v, userQuery('posts(first: 50) { edges { node { id } } }'), { u: w.account.username }), [
      'user',
      'posts',
    ]).includes(w.post),
  'User.followers': async (w, v) =>
    idsAt(
      await ask(v, userQuery('followers(first: 50) { edges { node { id } } }'), { u: w.account.username }),
      ['user', 'followers'],
    ).includes(w.follower.id),
  'User.following': async (w, v) =>
    idsAt(
      await ask(v, userQuery('following(first: 50) { edges { node { id } } }'), { u: w.account.username }),
      ['user', 'following'],
    ).includes(w.followee.id),
  feed: async (w, v) =>
    idsAt(await ask(v, `{ feed(first: 50) { edges { node { id } } } }`), ['feed']).includes(w.post),
  explore: async (w, v) =>
    idsAt(await ask(v, `{ explore(first: 100) { edges { node { id } } } }`), ['explore']).includes(w.post),
  searchUsers: async (w, v) =>
    idsAt(
      await ask(v, `query ($q: String!) { searchUsers(query: $q, first: 50) { edges { node { id } } } }`, {
        q: w.account.username,
      }),
      ['searchUsers'],
    ).includes(w.account.id),
  'hashtag(name) (a tag only its post carries)': async (w, v) =>
    (await ask(v, `query ($n: String!) { hashtag(name: $n) { name } }`, { n: `#${w.tagPrefix}_own` }))
      ?.hashtag?.name === `${w.tagPrefix}_own`,
  'Hashtag.posts (a tag it shares with another account)': async (w, v) =>
    idsAt(
      await ask(
        v,
        `query ($n: String!) { hashtag(name: $n) { posts(first: 50) { edges { node { id } } } } }`,
        {
          n: `${w.tagPrefix}_shared`,
        },
      ),
      ['hashtag', 'posts'],
    ).includes(w.post),
  "Post.mentions (another's public post)": async (w, v) =>
    ((await ask(v, postQuery('mentions { id }'), { id: w.hostPost }))?.post?.mentions ?? []).some(
      (u: { id: string }) => u.id === w.account.id,
    ),
  "Comment.mentions (another's comment)": async (w, v) => {
    const data = await ask(v, postQuery('comments(first: 50) { edges { node { mentions { id } } } }'), {
      id: w.hostPost,
    });
    const edges: { node: { mentions: { id: string }[] } }[] = data?.post?.comments.edges ?? [];
    return edges.some(({ node }) => node.mentions.some((u) => u.id === w.account.id));
  },
  "Post.comments (another's public post)": async (w, v) =>
    idsAt(await ask(v, postQuery('comments(first: 50) { edges { node { id } } }'), { id: w.hostPost }), [
      'post',
      'comments',
    ]).includes(w.comment),
  'Comment.author (in that list)': async (w, v) => {
    const data = await ask(v, postQuery('comments(first: 50) { edges { node { id author { id } } } }'), {
      id: w.hostPost,
    });
    const edges: { node: { id: string; author: { id: string } } }[] = data?.post?.comments.edges ?? [];
    return edges.some(({ node }) => node.id === w.comment && node.author.id === w.account.id);
  },
  'node(id) of its comment': async (w, v) =>
    (await ask(v, nodeQuery, { id: w.comment }))?.node?.id === w.comment,
  "Post.likedBy (another's public post)": async (w, v) =>
    idsAt(await ask(v, postQuery('likedBy(first: 50) { edges { node { id } } }'), { id: w.hostPost }), [
      'post',
      'likedBy',
    ]).includes(w.account.id),
  // the mention is written as the discovery domain will (notifyMentions), then listed: a block
  // keeps it from being written, the post's visibility from being shown
  'notifications (its post mentions the viewer)': async (w, v) => {
    if (!v) return (await ask(v, `{ unreadNotificationCount }`)) !== null;
    const postId = BigInt(Buffer.from(w.post, 'base64url').toString().split(':')[1]!);
    await notifyMentions(
      { tx: app.db.prisma, policy: PRIVACY_RULES },
      { actorId: dbIdOf(w.account), postId, mentionedUserIds: [dbIdOf(v)] },
    );
    const data = await ask(
      v,
      `{ notifications(first: 50) { edges { node { kind actor { id } post { id } } } } }`,
    );
    const edges: { node: { kind: string; actor: { id: string }; post: { id: string } | null } }[] =
      data?.notifications.edges ?? [];
    return edges.some(
      ({ node }) => node.kind === 'MENTION' && node.actor.id === w.account.id && node.post?.id === w.post,
    );
  },
};

const cells = (kind: Kind, row: (typeof MATRIX)[number]) =>
  RELATIONS.map(([relation]) => (expected(row, kind, relation) ? 'Y' : '-')).join('');

describe.each(KINDS)('%s account', (kind) => {
  it.each(MATRIX.filter(([path]) => CHECKS[path]).map((row) => [row[0], row] as const))(
    '%s',
    async (_path, row) => {
      const w = worlds[kind];
      const seen = await Promise.all(RELATIONS.map(([relation]) => CHECKS[row[0]]!(w, w.viewers[relation])));
      // compared as the table writes it, so a failure shows which relations differ
      expect(seen.map((s) => (s ? 'Y' : '-')).join('')).toBe(cells(kind, row));
    },
  );

  it('postCreated: a new post of the account reaches exactly the expected subscribers', async () => {
    const w = worlds[kind];
    const row = MATRIX.find(([path]) => path === 'postCreated')!;
    const subscribers = RELATIONS.flatMap(([relation]) => {
      const viewer = w.viewers[relation];
      if (!viewer) return []; // postCreated needs a viewer: anonymous is refused (UNAUTHENTICATED)
      const sub = openSocket(app, { token: viewer.token }).subscribe(
        `subscription { postCreated { id author { id } } }`,
      );
      return [{ relation, viewer, sub }];
    });
    await subscribersReach(app, subscribers.length);
    const news = await createPost(app, w.account, { caption: 'news' });
    // Then each viewer posts once: its own post reaches it, so its first event tells whether
    // the account's post was delivered before it.
    for (const { viewer } of subscribers) if (viewer !== w.account) await createPost(app, viewer);
    const seen = new Map<Relation, boolean>();
    for (const { relation, sub } of subscribers) {
      seen.set(relation, (await sub.next()).data?.postCreated.id === news);
    }
    const got = RELATIONS.map(([relation]) => (seen.get(relation) ? 'Y' : '-')).join('');
    expect(got).toBe(cells(kind, row));
  });

  it('commentAdded: a new comment of the account reaches exactly the expected subscribers', async () => {
    const w = worlds[kind];
    const row = MATRIX.find(([path]) => path === "commentAdded (another's public post)")!;
    const subscription = `subscription ($postId: ID!) { commentAdded(postId: $postId) { id author { id } } }`;
    const subscribers = RELATIONS.map(([relation]) => {
      const viewer = w.viewers[relation];
      const socket = openSocket(app, viewer ? { token: viewer.token } : {});
      return { relation, sub: socket.subscribe(subscription, { postId: w.hostPost }) };
    });
    await subscribersReach(app, subscribers.length);
    const words = await addComment(app, w.account, w.hostPost, 'new words');
    await addComment(app, w.followee, w.hostPost, 'the host answers'); // seen by every viewer
    const seen = new Map<Relation, boolean>();
    for (const { relation, sub } of subscribers) {
      seen.set(relation, (await sub.next()).data?.commentAdded.id === words);
    }
    const got = RELATIONS.map(([relation]) => (seen.get(relation) ? 'Y' : '-')).join('');
    expect(got).toBe(cells(kind, row));
  });
});

it('every row of the table is asked', () => {
  const asked = new Set([...Object.keys(CHECKS), 'postCreated', "commentAdded (another's public post)"]);
  expect(MATRIX.map(([path]) => path).filter((path) => !asked.has(path))).toEqual([]);
});

it("the README's privacy table is this table", () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const table = renderMatrix();
  // compared without the padding Prettier adds to align the columns
  const bare = (text: string) => text.replace(/ +/g, '').replace(/-{3,}/g, '---');
  if (!bare(readme).includes(bare(table))) {
    throw new Error(
      `README.md must contain the privacy table as rendered from test/privacy/matrix.ts:\n\n${table}\n`,
    );
  }
});
