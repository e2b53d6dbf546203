import { startTestApp, type TestApp } from '../support/app';
import {
  createCommentRow,
  createPostRow,
  dbIdOf,
  followUser,
  signUp,
  useToken,
  type TestUser,
} from '../support/scenario';

/**
 * The N+1 proof: a feed page asks for every post's author, media, counters, the viewer's
 * like and its first comments with their authors. However many posts the page holds, the
 * statements sent to the database stay the same (one per loader batch).
 */
const FEED = `query ($first: Int) {
  feed(first: $first) { edges { node {
    id caption author { username } media { url } likeCount commentCount viewerHasLiked
    comments(first: 3) { edges { node { body author { username } } } }
  } } }
}`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

/** A viewer following 5 authors who posted 60 posts, some liked, commented on by strangers. */
async function busyFeed(): Promise<TestUser> {
  const viewer = await signUp(app, 'viewer');
  const commenters = [
    await signUp(app, 'commenter0'),
    await signUp(app, 'commenter1'),
    await signUp(app, 'commenter2'),
  ];
  const authors: TestUser[] = [];
  for (let i = 0; i < 5; i++) {
    authors.push(await signUp(app, `author${i}`));
    await followUser(app, viewer, authors[i]!);
  }
  for (let n = 0; n < 60; n++) {
    const author = authors[n % authors.length]!;
    const post = await createPostRow(app, author, {
      caption: `post ${n}`,
      createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, n)),
    });
    for (let c = 0; c < n % 5; c++) await createCommentRow(app, post.id, commenters[c % 3]!, `comment ${c}`);
    if (n % 3 === 0)
      await app.db.prisma.like.create({
        data: { postId: post.id, userId: dbIdOf(n % 2 ? viewer : authors[0]!) },
      });
  }
  return viewer;
}

it('issues the same few statements for a feed page of 10 posts and of 50', async () => {
  const viewer = await busyFeed();
  await useToken(app, viewer);
  const measure = (first: number) =>
    app.db.statements.capture(() => app.gql(FEED, { first }, { token: viewer.token }));
  const ten = await measure(10);
  const fifty = await measure(50);
  for (const { result } of [ten, fifty]) expect(result.errors).toBeUndefined();
  expect(ten.result.data.feed.edges).toHaveLength(10);
  expect(fifty.result.data.feed.edges).toHaveLength(50);
  // every post really carries its nested data (so nothing was skipped to save statements)
  const newest = fifty.result.data.feed.edges[0].node;
  expect(newest).toMatchObject({
    caption: 'post 59',
    author: { username: 'author4' },
    media: [{ url: expect.any(String) }],
  });
  expect(newest.comments.edges.map((e: any) => e.node.body)).toEqual(['comment 0', 'comment 1', 'comment 2']);
  expect(newest.comments.edges.map((e: any) => e.node.author.username)).toEqual([
    'commenter0',
    'commenter1',
    'commenter2',
  ]);
  const likedByViewer = fifty.result.data.feed.edges.filter((e: any) => e.node.viewerHasLiked);
  expect(likedByViewer.length).toBeGreaterThan(0);

  console.info(
    `feed statements: first 10 -> ${ten.statements.length}, first 50 -> ${fifty.statements.length}\n${fifty.statements.join('\n---\n')}`,
  );
  expect(fifty.statements).toHaveLength(ten.statements.length);
  // Issue 3 asks for at most 8, issue 6 for at most 6: one statement with the posts, their
  // authors, media, the viewer's likes and the first comments with authors (the token's
  // session was checked and kept by the request before).
  expect(fifty.statements).toHaveLength(1);
});

it('spends one statement more, on the session, for a token this instance has not checked lately', async () => {
  const viewer = await signUp(app, 'coldviewer');
  const cold = await app.db.statements.capture(() => app.gql(FEED, { first: 10 }, { token: viewer.token }));
  const warm = await app.db.statements.capture(() => app.gql(FEED, { first: 10 }, { token: viewer.token }));
  expect(cold.result.errors).toBeUndefined();
  expect(cold.statements).toHaveLength(2);
  expect(cold.statements[0]).toMatch(/"sessions"/);
  expect(warm.statements).toHaveLength(1);
  expect(warm.statements[0]).not.toMatch(/"sessions"/);
});

describe('comments fetched with the feed page', () => {
  let viewer: TestUser;
  beforeAll(async () => {
    viewer = await signUp(app, 'lookahead');
    await useToken(app, viewer);
    const author = await signUp(app, 'lookaheadauthor');
    await followUser(app, viewer, author);
    for (let n = 0; n < 4; n++) {
      const post = await createPostRow(app, author, { createdAt: new Date(Date.UTC(2031, 0, 1, 0, 0, n)) });
      for (let c = 0; c < n * 2; c++) await createCommentRow(app, post.id, viewer, `c${n}.${c}`);
    }
  });

  const COMMENT_PAGE = `edges { cursor node { id body createdAt author { id username createdAt } } }
    pageInfo { hasNextPage endCursor }`;

  it('are the very page Post.comments gives on its own, cursors and pageInfo included', async () => {
    const res = await app.gql(
      `{ feed(first: 4) { edges { node { id comments(first: 3) { ${COMMENT_PAGE} } } } } }`,
      {},
      { token: viewer.token },
    );
    expect(res.errors).toBeUndefined();
    const posts = res.data.feed.edges.map((e: any) => e.node);
    expect(posts.map((p: any) => p.comments.edges.length)).toEqual([3, 3, 2, 0]);
    expect(posts.map((p: any) => p.comments.pageInfo.hasNextPage)).toEqual([true, true, false, false]);
    for (const post of posts) {
      // two pages of different sizes: the comments loader answers, not a look-ahead
      const alone = await app.gql(
        `query ($id: ID!) { post(id: $id) { comments(first: 3) { ${COMMENT_PAGE} } more: comments(first: 4) { pageInfo { hasNextPage } } } }`,
        { id: post.id },
        { token: viewer.token },
      );
      expect(post.comments).toEqual(alone.data.post.comments);
      // the cursor leads on to the rest, as a loader's cursor does
      if (post.comments.pageInfo.hasNextPage) {
        const next = await app.gql(
          `query ($id: ID!, $after: String) { post(id: $id) { comments(first: 10, after: $after) { edges { node { body } } } } }`,
          { id: post.id, after: post.comments.pageInfo.endCursor },
        );
        expect(next.data.post.comments.edges.length).toBeGreaterThan(0);
      }
    }
  });

  it('fall back to the comments loader when the posts ask for different pages', async () => {
    const query = `{ feed(first: 4) { edges { node {
      few: comments(first: 1) { edges { node { body } } }
      more: comments(first: 5) { edges { node { body } } }
      later: comments(first: 2, after: null) { edges { node { body } } }
    } } } }`;
    const { result, statements } = await app.db.statements.capture(() =>
      app.gql(query, {}, { token: viewer.token }),
    );
    expect(result.errors).toBeUndefined();
    const newest = result.data.feed.edges[0].node;
    expect(newest.few.edges.map((e: any) => e.node.body)).toEqual(['c3.0']);
    expect(newest.more.edges.map((e: any) => e.node.body)).toEqual(['c3.0', 'c3.1', 'c3.2', 'c3.3', 'c3.4']);
    expect(newest.later.edges.map((e: any) => e.node.body)).toEqual(['c3.0', 'c3.1']);
    // feed + one comments statement per distinct page
    expect(statements).toHaveLength(4);
  });

  it('follow the page size given in a variable, request after request of one document', async () => {
    // The look-ahead is kept per document: a kept answer for one value must not serve another.
    const query = `query ($n: Int!) { feed(first: 4) { edges { node { comments(first: $n) { edges { node { body } } } } } } }`;
    for (const n of [1, 2, 1, 3]) {
      const { result, statements } = await app.db.statements.capture(() =>
        app.gql(query, { n }, { token: viewer.token }),
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.feed.edges[0].node.comments.edges).toHaveLength(n);
      // the comments came with the feed page: its look-ahead saw this request's n
      expect(statements).toHaveLength(1);
    }
  });

  it('follow @skip and @include, and fragments', async () => {
    // The skipped selection asks for another page: were @skip ignored, the pages would differ
    // and the comments would take statements of their own.
    const query = `query ($skip: Boolean!) { feed(first: 4) { edges { node { ...WithComments } } } }
      fragment WithComments on Post {
        one: comments(first: 1) @skip(if: $skip) { edges { node { body } } }
        comments(first: 2) @include(if: true) { edges { node { body } } pageInfo { hasNextPage } }
      }`;
    for (const skip of [true, false]) {
      const { result, statements } = await app.db.statements.capture(() =>
        app.gql(query, { skip }, { token: viewer.token }),
      );
      expect(result.errors).toBeUndefined();
      const newest = result.data.feed.edges[0].node;
      expect(newest.comments.pageInfo.hasNextPage).toBe(true);
      expect(newest.comments.edges).toHaveLength(2);
      if (!skip) expect(newest.one.edges).toHaveLength(1);
      // skipped: the feed with its comments; not skipped: + one statement per page
      expect(statements).toHaveLength(skip ? 1 : 3);
    }
  });
});
