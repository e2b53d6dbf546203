import { startTestApp, type TestApp } from '../support/app';
import { addComment, createPost, dbIdOf, followUser, signUp, type TestUser } from '../support/scenario';
import { block, setPrivate } from '../privacy/support';
import { linkPost } from '../../src/discovery/link';
import { parseText } from '../../src/discovery/parse';
import { fromGlobalId } from '../../src/core/global-id';
import { PRIVACY_RULES } from '../../src/core/visibility';

/** Hashtags and mentions through the API: writing, reading, privacy, search and trending. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const POST_TAGS = `query ($id: ID!) { post(id: $id) {
  hashtags { id name postCount } mentions { username } } }`;

async function tagsOf(postId: string, viewer?: TestUser) {
  const res = await app.gql(POST_TAGS, { id: postId }, viewer ? { token: viewer.token } : {});
  expect(res.errors).toBeUndefined();
  return {
    hashtags: res.data.post.hashtags.map((h: any) => h.name) as string[],
    mentions: res.data.post.mentions.map((u: any) => u.username) as string[],
  };
}

async function hashtag(name: string, viewer?: TestUser, first = 50) {
  const res = await app.gql(
    `query ($name: String!, $first: Int) { hashtag(name: $name) { id name postCount
      posts(first: $first) { edges { node { id } } } } }`,
    { name, first },
    viewer ? { token: viewer.token } : {},
  );
  expect(res.errors).toBeUndefined();
  return res.data.hashtag as null | {
    id: string;
    name: string;
    postCount: number;
    posts: { edges: { node: { id: string } }[] };
  };
}

const storedCount = async (name: string) =>
  (await app.db.prisma.hashtag.findUnique({ where: { name } }))?.postCount ?? null;

describe('writing a post', () => {
  it('links its hashtags and the mentioned users, in order of first appearance', async () => {
    const [author, ann, bob] = [
      await signUp(app, 'wr_author'),
      await signUp(app, 'wr_ann'),
      await signUp(app, 'wr_bob'),
    ];
    const post = await createPost(app, author, {
      caption: 'Golden #Sunset with @WR_BOB and @wr_ann. #ｓｕｎｓｅｔ #東京 #123 me@wr_ann.com @nobody_here',
    });
    expect(await tagsOf(post)).toEqual({ hashtags: ['sunset', '東京'], mentions: ['wr_bob', 'wr_ann'] });
    expect(ann && bob).toBeTruthy();
    const tag = await hashtag('#SUNSET');
    expect(tag).toMatchObject({ name: 'sunset', postCount: 1, posts: { edges: [{ node: { id: post } }] } });
    const node = await app.gql(`query ($id: ID!) { node(id: $id) { ... on Hashtag { name } } }`, {
      id: tag!.id,
    });
    expect(node.data.node).toEqual({ name: 'sunset' });
  });

  it('refuses more than 30 hashtags or 20 mentions, writing nothing', async () => {
    const author = await signUp(app, 'wr_limits');
    const before = await app.db.prisma.post.count();
    const tags = Array.from({ length: 31 }, (_, i) => `#limit${i}`).join(' ');
    const mentions = Array.from({ length: 21 }, (_, i) => `@ghost_${i}`).join(' ');
    for (const [caption, message] of [
      [tags, /30 distinct hashtags/],
      [mentions, /20 distinct users/],
    ] as const) {
      const res = await app.gql(
        `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`,
        { input: { caption, media: [{ url: 'https://cdn.example.com/x.jpg' }] } },
        { token: author.token },
      );
      expect(res.errors?.[0]).toMatchObject({
        message: expect.stringMatching(message),
        extensions: { code: 'BAD_USER_INPUT', field: 'caption' },
      });
    }
    // 30 tags and 20 mentions (of users that do not exist) are fine
    await createPost(app, author, {
      caption: `${Array.from({ length: 30 }, (_, i) => `#limit${i}`).join(' ')} ${Array.from({ length: 20 }, (_, i) => `@ghost_${i}`).join(' ')}`,
    });
    expect(await app.db.prisma.post.count()).toBe(before + 1);
    expect(await app.db.prisma.hashtag.count({ where: { name: { startsWith: 'limit' } } })).toBe(30);
    const post = (await app.db.prisma.post.findFirst({ where: { authorId: dbIdOf(author) } }))!;
    expect(await app.db.prisma.postMention.count({ where: { postId: post.id } })).toBe(0);
    const comment = await app.gql(
      `mutation ($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { postId: await createPost(app, author), body: mentions } },
      { token: author.token },
    );
    expect(comment.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
  });

  it('does not link a user who blocked the author, or whom the policy hides from the author', async () => {
    const [author, blocker, blockedByAuthor, privateOne] = [
      await signUp(app, 'mb_author'),
      await signUp(app, 'mb_blocker'),
      await signUp(app, 'mb_blocked'),
      await signUp(app, 'mb_private'),
    ];
    await block(app, blocker, author);
    await block(app, author, blockedByAuthor);
    await setPrivate(app, privateOne, true);
    const caption = '@mb_blocker @mb_blocked @mb_private @mb_author';
    const post = await createPost(app, author, { caption });
    // The blocker is invisible to the author: not linked. The author still sees the accounts
    // they blocked and private profiles (PRIVACY_RULES.user), so those are linked.
    expect((await tagsOf(post, author)).mentions).toEqual(['mb_blocked', 'mb_private', 'mb_author']);
    expect(await app.db.prisma.postMention.count({ where: { userId: dbIdOf(blocker) } })).toBe(0);
    const comment = await addComment(app, author, post, `thanks ${caption}`);
    const res = await app.gql(
      `query ($id: ID!) { node(id: $id) { ... on Comment { mentions { username } } } }`,
      { id: comment },
      { token: author.token },
    );
    expect(res.data.node.mentions.map((u: any) => u.username)).toEqual([
      'mb_blocked',
      'mb_private',
      'mb_author',
    ]);
    // readers see a mention only if they may see the user: one who blocked the author does not
    const stranger = await signUp(app, 'mb_reader');
    await block(app, privateOne, stranger);
    expect((await tagsOf(post, stranger)).mentions).toEqual(['mb_blocked', 'mb_author']);
  });

  it('hands back the users newly mentioned and no longer mentioned, for notifications, in the transaction', async () => {
    const [author, ann, bob] = [
      await signUp(app, 'nm_author'),
      await signUp(app, 'nm_ann'),
      await signUp(app, 'nm_bob'),
    ];
    const postId = fromGlobalId('Post', await createPost(app, author, { caption: '@nm_ann' }), 'id');
    const post = (await app.db.prisma.post.findUnique({ where: { id: postId } }))!;
    const changes = await app.db.prisma.$transaction((tx) =>
      linkPost(tx, PRIVACY_RULES, post, parseText('@nm_bob @nm_author @nobody_x'), false),
    );
    expect(changes).toEqual({ mentioned: [dbIdOf(bob)], unmentioned: [dbIdOf(ann)] });
  });
});

describe('editing and deleting', () => {
  it('editPost re-links: tags and mentions it lost go, new ones come, counts follow', async () => {
    const [author, ann, bob] = [
      await signUp(app, 'ed_author'),
      await signUp(app, 'ed_ann'),
      await signUp(app, 'ed_bob'),
    ];
    const post = await createPost(app, author, { caption: '#edit_a #edit_b @ed_ann' });
    const other = await createPost(app, author, { caption: '#edit_b' });
    expect(await storedCount('edit_b')).toBe(2);
    const res = await app.gql(
      `mutation ($id: ID!, $caption: String!) { editPost(id: $id, caption: $caption) { id } }`,
      { id: post, caption: '#edit_c @ed_bob #EDIT_A' },
      { token: author.token },
    );
    expect(res.errors).toBeUndefined();
    expect(await tagsOf(post)).toEqual({ hashtags: ['edit_c', 'edit_a'], mentions: ['ed_bob'] });
    expect([await storedCount('edit_a'), await storedCount('edit_b'), await storedCount('edit_c')]).toEqual([
      1, 1, 1,
    ]);
    expect((await hashtag('edit_b'))!.posts.edges.map((e) => e.node.id)).toEqual([other]);
    expect(ann && bob).toBeTruthy();

    await app.gql(`mutation ($id: ID!) { deletePost(id: $id) }`, { id: other }, { token: author.token });
    expect(await storedCount('edit_b')).toBe(0);
    expect(await hashtag('edit_b')).toBeNull();
    await app.gql(`mutation ($id: ID!) { deletePost(id: $id) }`, { id: post }, { token: author.token });
    expect(
      await app.db.prisma.postHashtag.count({ where: { postId: fromGlobalId('Post', post, 'id') } }),
    ).toBe(0);
    expect(
      await app.db.prisma.postMention.count({ where: { postId: fromGlobalId('Post', post, 'id') } }),
    ).toBe(0);
    expect([await storedCount('edit_a'), await storedCount('edit_c')]).toEqual([0, 0]);
  });

  it('deleting a comment removes its mentions', async () => {
    const [author, ann] = [await signUp(app, 'dc_author'), await signUp(app, 'dc_ann')];
    const post = await createPost(app, author);
    const comment = await addComment(app, author, post, 'look @dc_ann');
    expect(await app.db.prisma.commentMention.count({ where: { userId: dbIdOf(ann) } })).toBe(1);
    await app.gql(`mutation ($id: ID!) { deleteComment(id: $id) }`, { id: comment }, { token: author.token });
    expect(await app.db.prisma.commentMention.count({ where: { userId: dbIdOf(ann) } })).toBe(0);
  });
});

describe('who sees a hashtag', () => {
  it('covers only the posts the viewer may see: private accounts and blocks apply', async () => {
    const [pub, priv, follower, stranger, blocked] = [
      await signUp(app, 'vh_pub'),
      await signUp(app, 'vh_priv'),
      await signUp(app, 'vh_follower'),
      await signUp(app, 'vh_stranger'),
      await signUp(app, 'vh_blocked'),
    ];
    await followUser(app, follower, priv);
    await setPrivate(app, priv, true);
    await block(app, pub, blocked);
    const pubPost = await createPost(app, pub, { caption: '#vh_shared #vh_public' });
    const privPost = await createPost(app, priv, { caption: '#vh_shared #vh_secret' });
    const ids = async (name: string, viewer?: TestUser) =>
      (await hashtag(name, viewer))?.posts.edges.map((e) => e.node.id) ?? null;
    expect(await ids('vh_shared', stranger)).toEqual([pubPost]);
    expect((await hashtag('vh_shared', stranger))!.postCount).toBe(1);
    expect(await ids('vh_shared', follower)).toEqual([privPost, pubPost]);
    expect((await hashtag('vh_shared', follower))!.postCount).toBe(2);
    // the only post the blocked account could see is the blocker's: no visible post, no tag
    expect(await hashtag('vh_shared', blocked)).toBeNull();
    expect(await hashtag('vh_secret', stranger)).toBeNull();
    expect(await hashtag('vh_secret')).toBeNull();
    expect(await ids('vh_secret', follower)).toEqual([privPost]);
    expect(await hashtag('vh_public', blocked)).toBeNull();
    expect(await storedCount('vh_shared')).toBe(2);
  });
});

describe('searchHashtags', () => {
  it('finds tags by prefix, case- and #-insensitively, most posts first, page by page', async () => {
    const author = await signUp(app, 'sr_author');
    for (const [caption, times] of [
      ['#srch_beach', 3],
      ['#srch_bee', 1],
      ['#srch_ber', 2],
      ['#other_srch', 4],
    ] as const)
      for (let i = 0; i < times; i++) await createPost(app, author, { caption });
    const search = (query: string, first: number, after?: string) =>
      app.gql(
        `query ($q: String!, $first: Int, $after: String) { searchHashtags(query: $q, first: $first, after: $after) {
          edges { node { name postCount } } pageInfo { hasNextPage endCursor } } }`,
        { q: query, first, after },
      );
    const one = await search('#SRCH_B', 2);
    expect(one.data.searchHashtags.edges.map((e: any) => e.node)).toEqual([
      { name: 'srch_beach', postCount: 3 },
      { name: 'srch_ber', postCount: 2 },
    ]);
    expect(one.data.searchHashtags.pageInfo.hasNextPage).toBe(true);
    const two = await search('srch_b', 2, one.data.searchHashtags.pageInfo.endCursor);
    expect(two.data.searchHashtags.edges.map((e: any) => e.node.name)).toEqual(['srch_bee']);
    expect(two.data.searchHashtags.pageInfo.hasNextPage).toBe(false);
    expect((await search('ｓｒｃｈ_bEE', 5)).data.searchHashtags.edges.map((e: any) => e.node.name)).toEqual([
      'srch_bee',
    ]);
    expect((await search('%', 5)).data.searchHashtags.edges).toEqual([]);
    for (const bad of ['#', '', 'x'.repeat(101)]) {
      expect((await search(bad, 5)).errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'query',
      });
    }
  });
});

describe('trendingHashtags', () => {
  it('ranks the tags with the most new public posts of the last 24 hours', async () => {
    const [a, b, hidden] = [
      await signUp(app, 'tr_a'),
      await signUp(app, 'tr_b'),
      await signUp(app, 'tr_hidden'),
    ];
    await setPrivate(app, hidden, true);
    for (let i = 0; i < 3; i++) await createPost(app, a, { caption: '#trend_one' });
    for (let i = 0; i < 2; i++) await createPost(app, b, { caption: '#trend_two #trend_old' });
    for (let i = 0; i < 5; i++) await createPost(app, hidden, { caption: '#trend_private #trend_two' });
    // #trend_old's posts were made two days ago, as far as the hourly counts go
    await app.db.prisma.$executeRaw`
      UPDATE hashtag_hours SET hour = hour - interval '2 days'
      WHERE hashtag_id = (SELECT id FROM hashtags WHERE name = 'trend_old')`;
    const res = await app.gql(`{ trendingHashtags(first: 50) { name postCount } }`);
    expect(res.errors).toBeUndefined();
    const trend = res.data.trendingHashtags.filter((h: any) => h.name.startsWith('trend_'));
    expect(trend).toEqual([
      { name: 'trend_one', postCount: 3 },
      { name: 'trend_two', postCount: 2 },
    ]);
    const top = await app.gql(`{ trendingHashtags(first: 1) { name } }`);
    expect(top.data.trendingHashtags).toHaveLength(1);
    for (const first of [0, 51]) {
      const bad = await app.gql(`query ($first: Int) { trendingHashtags(first: $first) { name } }`, {
        first,
      });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });
});

describe('counts under concurrency', () => {
  it('stay exact when posts sharing tags (in any order) are created and deleted at once', async () => {
    const authors = await Promise.all([0, 1, 2, 3].map((n) => signUp(app, `cc_author${n}`)));
    const tags = ['#cc_a', '#cc_b', '#cc_c', '#cc_d'];
    const caption = (n: number) => [...tags.slice(n % 4), ...tags.slice(0, n % 4)].join(' ');
    const first = await Promise.all(authors.map((a, n) => createPost(app, a, { caption: caption(n) })));
    // more posts and the first ones' deletion, all at once
    const results = await Promise.all([
      ...authors.flatMap((a, n) => [1, 2].map((k) => createPost(app, a, { caption: caption(n + k) }))),
      ...first.map((id, n) =>
        app.gql(`mutation ($id: ID!) { deletePost(id: $id) }`, { id }, { token: authors[n]!.token }),
      ),
    ]);
    for (const r of results) if (typeof r !== 'string') expect(r.errors).toBeUndefined();
    for (const tag of tags) {
      const name = tag.slice(1);
      expect(await storedCount(name)).toBe(8);
      expect((await hashtag(name))!.postCount).toBe(8);
    }
    const [hours] = await app.db.prisma.$queryRaw<{ n: number }[]>`
      SELECT sum(hh.post_count)::int AS n FROM hashtag_hours hh JOIN hashtags h ON h.id = hh.hashtag_id
      WHERE h.name LIKE 'cc\\_%'`;
    expect(hours!.n).toBe(32);
  });
});
