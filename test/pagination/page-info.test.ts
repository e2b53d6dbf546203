import { startTestApp, type TestApp } from '../support/app';
import { addComment, createPost, followUser, photo, signUp, type TestUser } from '../support/scenario';

/**
 * All four Relay PageInfo fields on every kind of connection (a top-level one, a child page of
 * a user, a child page of a post), and Media ids a normalising client cache can key photos by.
 */
const PAGE = `edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

interface Page {
  edges: { cursor: string }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

let app: TestApp;
let viewer: TestUser;
let author: TestUser;
let postId: string;

beforeAll(async () => {
  app = await startTestApp();
  [viewer, author] = [await signUp(app), await signUp(app)];
  await followUser(app, viewer, author);
  for (let n = 0; n < 3; n++) postId = await createPost(app, author, { caption: `post ${n}` });
  for (let n = 0; n < 3; n++) await addComment(app, viewer, postId, `comment ${n}`);
});
afterAll(() => app.stop());

/** Each connection, as `(first, after) => its page`. */
const connections: Record<string, (first: number, after: string | null) => Promise<Page>> = {
  feed: async (first, after) => {
    const res = await app.gql(
      `query ($first: Int, $after: String) { feed(first: $first, after: $after) { ${PAGE} } }`,
      { first, after },
      { token: viewer.token },
    );
    return res.data.feed;
  },
  'User.posts': async (first, after) => {
    const res = await app.gql(
      `query ($name: String!, $first: Int, $after: String) { user(username: $name) { posts(first: $first, after: $after) { ${PAGE} } } }`,
      { name: author.username, first, after },
    );
    return res.data.user.posts;
  },
  'Post.comments': async (first, after) => {
    const res = await app.gql(
      `query ($id: ID!, $first: Int, $after: String) { post(id: $id) { comments(first: $first, after: $after) { ${PAGE} } } }`,
      { id: postId, first, after },
    );
    return res.data.post.comments;
  },
};

describe.each(Object.keys(connections))('PageInfo of %s', (name) => {
  const pageOf = connections[name]!;

  it('starts at the first edge, with nothing before the first page', async () => {
    const page = await pageOf(2, null);
    expect(page.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: page.edges[0]!.cursor,
      endCursor: page.edges[1]!.cursor,
    });
  });

  it('has a previous page once paged past the first', async () => {
    const first = await pageOf(2, null);
    const second = await pageOf(2, first.pageInfo.endCursor);
    expect(second.edges).toHaveLength(1);
    expect(second.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: second.edges[0]!.cursor,
      endCursor: second.edges[0]!.cursor,
    });
  });

  it('has no start cursor on an empty page past the end', async () => {
    const all = await pageOf(3, null);
    const past = await pageOf(3, all.pageInfo.endCursor);
    expect(past).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });
});

it('has no previous page once everything before the cursor is gone', async () => {
  const writer = await signUp(app);
  const older = await createPost(app, writer);
  const newer = await createPost(app, writer);
  const page = `query ($name: String!, $after: String) { user(username: $name) {
    posts(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;
  const first = await app.gql(page, { name: writer.username, after: null });
  expect(first.data.user.posts.edges).toEqual([{ node: { id: newer } }]);
  await app.gql(`mutation ($id: ID!) { deletePost(id: $id) }`, { id: newer }, { token: writer.token });
  const after = first.data.user.posts.pageInfo.endCursor;
  const second = await app.gql(page, { name: writer.username, after });
  // the page continues where it left off, with the older post
  expect(second.data.user.posts).toEqual({
    edges: [{ node: { id: older } }],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: expect.any(String) },
  });
});

describe('Media.id', () => {
  const mediaIds = async (id: string): Promise<string[]> => {
    const res = await app.gql(`query ($id: ID!) { post(id: $id) { media { id url } } }`, { id });
    return res.data.post.media.map((media: { id: string }) => media.id);
  };

  it('is distinct per photo and across posts, and the same on every read, caption edits included', async () => {
    const album = await createPost(app, author, { media: [photo(1), photo(2), photo(3)] });
    const single = await createPost(app, author, { media: [photo(1)] });
    const ids = await mediaIds(album);
    await app.gql(
      `mutation ($id: ID!) { editPost(id: $id, caption: "edited") { id } }`,
      { id: album },
      { token: author.token },
    );
    expect(await mediaIds(album)).toEqual(ids);
    const everyId = [...ids, ...(await mediaIds(single))];
    expect(new Set(everyId).size).toBe(4);
  });

  it('is the same whether the post is read on its own or in the feed', async () => {
    const res = await app.gql(
      `{ feed(first: 1) { edges { node { id media { id } } } } }`,
      {},
      { token: viewer.token },
    );
    const { id, media } = res.data.feed.edges[0].node;
    expect(media.map((m: { id: string }) => m.id)).toEqual(await mediaIds(id));
  });

  it('is not a Node: node(id:) does not resolve it', async () => {
    const [mediaId] = await mediaIds(postId);
    const res = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: mediaId });
    expect(res.errors).toBeUndefined();
    expect(res.data.node).toBeNull();
  });
});
