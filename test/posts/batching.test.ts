import { startTestApp, type TestApp } from '../support/app';
import { addComment, createPost, followUser, likePost, signUp, type TestUser } from '../support/scenario';

/**
 * The N+1 proof: every relation and flag of a post is batched, so a page of posts with their
 * comments and likers costs the same number of SQL statements whatever the number of posts.
 */
const POST_FIELDS = `id caption likeCount commentCount viewerHasLiked author { username } media { url }
  comments(first: 3) { edges { node { body author { username } } } pageInfo { hasNextPage } }
  likedBy(first: 3) { edges { node { username } } pageInfo { hasNextPage } }`;

const explore = (count: number) => ({
  query: `{ explore(first: ${count}) { edges { node { ${POST_FIELDS} } } } }`,
});
const aliases = (ids: string[]) => ({
  query: `query (${ids.map((_, i) => `$p${i}: ID!`).join(', ')}) {
    ${ids.map((_, i) => `p${i}: post(id: $p${i}) { ${POST_FIELDS} }`).join('\n')} }`,
  variables: Object.fromEntries(ids.map((id, i) => [`p${i}`, id])),
});

let app: TestApp;
let viewer: TestUser;
let alice: TestUser;
let postIds: string[];

beforeAll(async () => {
  app = await startTestApp();
  alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');
  const carol = await signUp(app, 'carol');
  viewer = bob;
  postIds = [];
  for (let i = 0; i < 6; i++) {
    const id = await createPost(app, alice, { caption: `post ${i}` });
    for (const fan of [bob, carol, bob, carol]) await addComment(app, fan, id, `comment by ${fan.username}`);
    for (const fan of [bob, carol]) await likePost(app, fan, id);
    postIds.push(id);
  }
});
afterAll(() => app.stop());

async function statementsFor(
  request: { query: string; variables?: Record<string, unknown> },
  token?: string,
) {
  const { result, statements } = await app.db.statements.capture(() =>
    app.gql(request.query, request.variables, { token }),
  );
  expect(result.errors).toBeUndefined();
  return { data: result.data, count: statements.length };
}

describe('a list of posts with comments and likers', () => {
  it.each([
    ['anonymous', () => undefined],
    ['signed in', () => viewer.token],
  ])('costs a constant number of statements through post(id) aliases (%s)', async (_who, token) => {
    const two = await statementsFor(aliases(postIds.slice(0, 2)), token());
    const six = await statementsFor(aliases(postIds), token());
    expect(Object.keys(six.data)).toHaveLength(6);
    expect(six.data.p5.comments.edges).toHaveLength(3);
    expect(six.data.p5.comments.pageInfo.hasNextPage).toBe(true);
    expect(six.data.p5.likedBy.edges.map((e: any) => e.node.username)).toEqual(['carol', 'bob']);
    expect(six.count).toBe(two.count);
    // the posts with their authors, media, the viewer's likes and first comments (with their
    // authors) in one; the likers in another (the token's session was checked and kept by
    // the requests that set the posts up)
    expect(six.count).toBe(2);
  });

  it("shows a post's own page from one statement", async () => {
    const { result, statements } = await app.db.statements.capture(() =>
      app.gql(
        `query ($id: ID!) { post(id: $id) {
          id caption likeCount viewerHasLiked author { username } media { url }
          comments(first: 2) { edges { cursor node { body author { username } } } pageInfo { hasNextPage endCursor } }
        } }`,
        { id: postIds[0] },
        { token: viewer.token },
      ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.post).toMatchObject({
      caption: 'post 0',
      likeCount: 2,
      viewerHasLiked: true,
      author: { username: 'alice' },
      media: [{ url: expect.any(String) }],
      comments: { pageInfo: { hasNextPage: true } },
    });
    expect(result.data.post.comments.edges.map((e: any) => e.node.author.username)).toEqual(['bob', 'carol']);
    // the session was checked by an earlier request of this token
    expect(statements).toHaveLength(1);
    // the cursor leads on from where the page that came with the post stopped
    const rest = await app.gql(
      `query ($id: ID!, $after: String) { post(id: $id) { comments(first: 5, after: $after) { edges { node { author { username } } } } } }`,
      { id: postIds[0], after: result.data.post.comments.pageInfo.endCursor },
    );
    expect(rest.data.post.comments.edges.map((e: any) => e.node.author.username)).toEqual(['bob', 'carol']);
  });

  it('shows a profile, its follow button and its grid of posts from two statements', async () => {
    const carol = await signUp(app, 'profileviewer');
    const profile = () =>
      app.db.statements.capture(() =>
        app.gql(
          `{ user(username: "alice") { username viewerIsFollowing viewerHasRequestedFollow
            posts(first: 4) { edges { node { likeCount media { url } } } pageInfo { hasNextPage } } } }`,
          {},
          { token: carol.token },
        ),
      );
    const before = await profile();
    await followUser(app, carol, alice);
    const after = await profile();
    for (const { result } of [before, after]) {
      expect(result.errors).toBeUndefined();
      expect(result.data.user.posts.edges).toHaveLength(4);
      expect(result.data.user.posts.edges[0].node).toEqual({
        likeCount: 2,
        media: [{ url: expect.any(String) }],
      });
      expect(result.data.user.viewerHasRequestedFollow).toBe(false);
    }
    expect(before.result.data.user.viewerIsFollowing).toBe(false);
    expect(after.result.data.user.viewerIsFollowing).toBe(true);
    // the user with the viewer's follow and request, then the posts with their photos (the
    // session was checked by the first request and kept)
    expect(after.statements).toHaveLength(2);
  });

  it('costs a constant number of statements through explore', async () => {
    const two = await statementsFor(explore(2), viewer.token);
    const six = await statementsFor(explore(6), viewer.token);
    expect(six.data.explore.edges).toHaveLength(6);
    expect(six.data.explore.edges.every((e: any) => e.node.viewerHasLiked)).toBe(true);
    expect(six.count).toBe(two.count);
  });
});
