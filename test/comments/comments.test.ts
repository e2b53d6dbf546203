import { codesOf, startTestApp, type GraphQLResponse, type TestApp } from '../support/app';
import { addComment, createPost, likePost, signUp } from '../support/scenario';

const ADD = `mutation ($input: AddCommentInput!) {
  addComment(input: $input) { id body createdAt author { username } post { id commentCount } } }`;
const DELETE = `mutation ($id: ID!) { deleteComment(id: $id) }`;
const COMMENTS = `query ($id: ID!, $first: Int, $after: String) { post(id: $id) { commentCount
  comments(first: $first, after: $after) { edges { cursor node { id body } } pageInfo { hasNextPage endCursor } } } }`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(() => app.db.reset());

const fieldOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.field;
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64url');

async function alicePostsBobComments() {
  const alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');
  const postId = await createPost(app, alice);
  return { alice, bob, postId };
}

describe('addComment', () => {
  it('stores the trimmed body and counts the comment on the post', async () => {
    const { bob, postId } = await alicePostsBobComments();
    const res = await app.gql(ADD, { input: { postId, body: '  lovely light \n' } }, { token: bob.token });
    expect(res.errors).toBeUndefined();
    expect(res.data.addComment).toMatchObject({
      body: 'lovely light',
      author: { username: 'bob' },
      post: { id: postId, commentCount: 1 },
    });
    const node = await app.gql(`query ($id: ID!) { node(id: $id) { __typename ... on Comment { body } } }`, {
      id: res.data.addComment.id,
    });
    expect(node.data.node).toEqual({ __typename: 'Comment', body: 'lovely light' });
  });

  it('needs a viewer and an existing post', async () => {
    const { alice, bob, postId } = await alicePostsBobComments();
    expect(codesOf(await app.gql(ADD, { input: { postId, body: 'hi' } }))).toEqual(['UNAUTHENTICATED']);
    await app.gql(`mutation ($id: ID!) { deletePost(id: $id) }`, { id: postId }, { token: alice.token });
    expect(codesOf(await app.gql(ADD, { input: { postId, body: 'hi' } }, { token: bob.token }))).toEqual([
      'NOT_FOUND',
    ]);
    const missing = await app.gql(
      ADD,
      { input: { postId: globalId('Post', 999), body: 'hi' } },
      { token: bob.token },
    );
    expect(codesOf(missing)).toEqual(['NOT_FOUND']);
    expect(await app.db.prisma.comment.count()).toBe(0);
  });

  it.each([
    ['body', { body: '' }],
    ['body', { body: ' \n\t ' }],
    ['body', { body: 'b'.repeat(2201) }],
    ['postId', { postId: 'garbage' }],
  ])('refuses an invalid %s and writes nothing', async (field, input) => {
    const { bob, postId } = await alicePostsBobComments();
    const res = await app.gql(ADD, { input: { postId, body: 'hi', ...input } }, { token: bob.token });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(res)).toBe(field);
    expect(await app.db.prisma.comment.count()).toBe(0);
  });

  it('refuses the ID of a user as postId', async () => {
    const { bob } = await alicePostsBobComments();
    const res = await app.gql(ADD, { input: { postId: bob.id, body: 'hi' } }, { token: bob.token });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(res)).toBe('postId');
  });

  it('accepts 2200 characters after trimming', async () => {
    const { bob, postId } = await alicePostsBobComments();
    const res = await app.gql(
      ADD,
      { input: { postId, body: `  ${'😀'.repeat(2200)}  ` } },
      { token: bob.token },
    );
    expect(res.errors).toBeUndefined();
    expect([...res.data.addComment.body]).toHaveLength(2200);
  });
});

describe('deleteComment', () => {
  it("lets the comment's author and the post's author delete it", async () => {
    const { alice, bob, postId } = await alicePostsBobComments();
    const byBob = await addComment(app, bob, postId, 'first');
    const alsoByBob = await addComment(app, bob, postId, 'second');
    const own = await app.gql(DELETE, { id: byBob }, { token: bob.token });
    expect(own.data).toEqual({ deleteComment: byBob });
    const moderated = await app.gql(DELETE, { id: alsoByBob }, { token: alice.token });
    expect(moderated.data).toEqual({ deleteComment: alsoByBob });
    const post = await app.gql(COMMENTS, { id: postId });
    expect(post.data.post).toMatchObject({ commentCount: 0, comments: { edges: [] } });
  });

  it('refuses anyone else, and anonymous requests', async () => {
    const { bob, postId } = await alicePostsBobComments();
    const carol = await signUp(app, 'carol');
    const id = await addComment(app, bob, postId);
    expect(codesOf(await app.gql(DELETE, { id }, { token: carol.token }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await app.gql(DELETE, { id }))).toEqual(['UNAUTHENTICATED']);
    expect(await app.db.prisma.comment.count()).toBe(1);
  });

  it('answers NOT_FOUND for a missing comment and BAD_USER_INPUT for another type of ID', async () => {
    const { bob, postId } = await alicePostsBobComments();
    const id = await addComment(app, bob, postId);
    await app.gql(DELETE, { id }, { token: bob.token });
    expect(codesOf(await app.gql(DELETE, { id }, { token: bob.token }))).toEqual(['NOT_FOUND']);
    const wrongType = await app.gql(DELETE, { id: postId }, { token: bob.token });
    expect(codesOf(wrongType)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(wrongType)).toBe('id');
  });
});

describe('Post.comments', () => {
  async function postWithComments(count: number) {
    const { bob, postId } = await alicePostsBobComments();
    for (let i = 0; i < count; i++) await addComment(app, bob, postId, `c${i}`);
    return { bob, postId };
  }
  const bodies = (res: GraphQLResponse<any>) => res.data.post.comments.edges.map((e: any) => e.node.body);

  it('pages oldest first without gaps or repeats', async () => {
    const { postId } = await postWithComments(5);
    const first = await app.gql(COMMENTS, { id: postId, first: 2 });
    expect(bodies(first)).toEqual(['c0', 'c1']);
    expect(first.data.post.comments.pageInfo).toEqual({
      hasNextPage: true,
      endCursor: first.data.post.comments.edges[1].cursor,
    });
    const second = await app.gql(COMMENTS, {
      id: postId,
      first: 2,
      after: first.data.post.comments.pageInfo.endCursor,
    });
    expect(bodies(second)).toEqual(['c2', 'c3']);
    const last = await app.gql(COMMENTS, {
      id: postId,
      first: 2,
      after: second.data.post.comments.pageInfo.endCursor,
    });
    expect(bodies(last)).toEqual(['c4']);
    expect(last.data.post.comments.pageInfo.hasNextPage).toBe(false);
    expect(bodies(await app.gql(COMMENTS, { id: postId }))).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  it('continues after a cursor whose comment was deleted, and shows new comments last', async () => {
    const { bob, postId } = await postWithComments(4);
    const first = await app.gql(COMMENTS, { id: postId, first: 2 });
    await app.gql(DELETE, { id: first.data.post.comments.edges[1].node.id }, { token: bob.token });
    await addComment(app, bob, postId, 'late');
    const next = await app.gql(COMMENTS, {
      id: postId,
      first: 10,
      after: first.data.post.comments.pageInfo.endCursor,
    });
    expect(bodies(next)).toEqual(['c2', 'c3', 'late']);
  });

  it('says there is no next page when the page ends exactly at the last comment', async () => {
    const { postId } = await postWithComments(2);
    const page = await app.gql(COMMENTS, { id: postId, first: 2 });
    expect(page.data.post.comments.pageInfo.hasNextPage).toBe(false);
    const empty = await app.gql(COMMENTS, {
      id: postId,
      first: 2,
      after: page.data.post.comments.pageInfo.endCursor,
    });
    expect(empty.data.post.comments).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it.each([
    ['first', { first: 0 }],
    ['first', { first: 101 }],
    ['first', { first: -1 }],
    ['after', { after: 'not-a-cursor' }],
    ['after', { after: Buffer.from('["Post.comments","yesterday","1"]').toString('base64url') }],
  ])('refuses an invalid %s (%j)', async (field, args) => {
    const { postId } = await postWithComments(1);
    const res = await app.gql(COMMENTS, { id: postId, ...args });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(res)).toBe(field);
  });

  it('refuses a cursor of another connection', async () => {
    const { bob, postId } = await postWithComments(1);
    await likePost(app, bob, postId);
    const likes = await app.gql(`query ($id: ID!) { post(id: $id) { likedBy { pageInfo { endCursor } } } }`, {
      id: postId,
    });
    const res = await app.gql(COMMENTS, { id: postId, after: likes.data.post.likedBy.pageInfo.endCursor });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(res)).toBe('after');
  });

  it('accepts first 100', async () => {
    const { postId } = await postWithComments(3);
    expect(bodies(await app.gql(COMMENTS, { id: postId, first: 100 }))).toEqual(['c0', 'c1', 'c2']);
  });
});
