import { codesOf, startTestApp, type GraphQLResponse, type TestApp } from '../support/app';
import { createPost, likePost, signUp, signUpMany, type TestUser } from '../support/scenario';

const LIKE = `mutation ($id: ID!) { likePost(postId: $id) { id likeCount viewerHasLiked } }`;
const UNLIKE = `mutation ($id: ID!) { unlikePost(postId: $id) { id likeCount viewerHasLiked } }`;
const POST = `query ($id: ID!) { post(id: $id) { likeCount viewerHasLiked } }`;
const LIKED_BY = `query ($id: ID!, $first: Int, $after: String) { post(id: $id) {
  likedBy(first: $first, after: $after) { edges { cursor node { username isViewer } } pageInfo { hasNextPage endCursor } } } }`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(() => app.db.reset());

const fieldOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.field;
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64url');
const likers = (res: GraphQLResponse<any>) => res.data.post.likedBy.edges.map((e: any) => e.node.username);

async function alicePosts() {
  const alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');
  const postId = await createPost(app, alice);
  return { alice, bob, postId };
}

describe('likePost and unlikePost', () => {
  it('are idempotent and return the post as it is after the write', async () => {
    const { bob, postId } = await alicePosts();
    const call = (query: string) => app.gql(query, { id: postId }, { token: bob.token });
    expect((await call(LIKE)).data.likePost).toEqual({ id: postId, likeCount: 1, viewerHasLiked: true });
    expect((await call(LIKE)).data.likePost).toEqual({ id: postId, likeCount: 1, viewerHasLiked: true });
    expect(await app.db.prisma.like.count()).toBe(1);
    expect((await call(UNLIKE)).data.unlikePost).toEqual({ id: postId, likeCount: 0, viewerHasLiked: false });
    expect((await call(UNLIKE)).data.unlikePost).toEqual({ id: postId, likeCount: 0, viewerHasLiked: false });
    expect(await app.db.prisma.like.count()).toBe(0);
  });

  it('report fresh flags even when the post was read earlier in the same request', async () => {
    const { bob, postId } = await alicePosts();
    const res = await app.gql(
      `mutation ($id: ID!) { before: unlikePost(postId: $id) { likeCount viewerHasLiked }
        after: likePost(postId: $id) { likeCount viewerHasLiked } }`,
      { id: postId },
      { token: bob.token },
    );
    expect(res.data).toEqual({
      before: { likeCount: 0, viewerHasLiked: false },
      after: { likeCount: 1, viewerHasLiked: true },
    });
  });

  it('need a viewer', async () => {
    const { postId } = await alicePosts();
    expect(codesOf(await app.gql(LIKE, { id: postId }))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await app.gql(UNLIKE, { id: postId }))).toEqual(['UNAUTHENTICATED']);
  });

  it('answer NOT_FOUND for a missing or deleted post', async () => {
    const { alice, bob, postId } = await alicePosts();
    await app.gql(`mutation ($id: ID!) { deletePost(id: $id) }`, { id: postId }, { token: alice.token });
    for (const id of [postId, globalId('Post', 999)]) {
      expect(codesOf(await app.gql(LIKE, { id }, { token: bob.token }))).toEqual(['NOT_FOUND']);
      expect(codesOf(await app.gql(UNLIKE, { id }, { token: bob.token }))).toEqual(['NOT_FOUND']);
    }
    expect(await app.db.prisma.like.count()).toBe(0);
  });

  it('refuse an ID of another type', async () => {
    const { bob } = await alicePosts();
    for (const query of [LIKE, UNLIKE]) {
      const res = await app.gql(query, { id: bob.id }, { token: bob.token });
      expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
      expect(fieldOf(res)).toBe('postId');
    }
  });
});

describe('viewerHasLiked', () => {
  it("is each requester's own, and false when anonymous, even for concurrent requests", async () => {
    const { alice, bob, postId } = await alicePosts();
    await likePost(app, bob, postId);
    const asViewer = (user?: TestUser) => app.gql(POST, { id: postId }, { token: user?.token });
    const rounds = await Promise.all(
      Array.from({ length: 5 }, () => Promise.all([asViewer(bob), asViewer(alice), asViewer()])),
    );
    for (const [asBob, asAlice, anonymous] of rounds) {
      expect(asBob!.data.post).toEqual({ likeCount: 1, viewerHasLiked: true });
      expect(asAlice!.data.post).toEqual({ likeCount: 1, viewerHasLiked: false });
      expect(anonymous!.data.post).toEqual({ likeCount: 1, viewerHasLiked: false });
    }
  });

  it('is answered per post within one request', async () => {
    const { alice, bob } = await alicePosts();
    const liked = await createPost(app, alice);
    const notLiked = await createPost(app, alice);
    await likePost(app, bob, liked);
    const res = await app.gql(
      `query ($a: ID!, $b: ID!) { a: post(id: $a) { viewerHasLiked } b: post(id: $b) { viewerHasLiked } }`,
      { a: liked, b: notLiked },
      { token: bob.token },
    );
    expect(res.data).toEqual({ a: { viewerHasLiked: true }, b: { viewerHasLiked: false } });
  });
});

describe('Post.likedBy', () => {
  it('pages the likers, most recent like first', async () => {
    const { alice, postId } = await alicePosts();
    await likePost(app, alice, postId);
    // One by one, so like times and user ids (the tie-breaker) both rise in this order.
    const fans: TestUser[] = [];
    for (let i = 0; i < 4; i++) fans.push(await signUp(app));
    for (const fan of fans) await likePost(app, fan, postId);
    const expected = [...fans.reverse(), alice].map((u) => u.username);

    const first = await app.gql(LIKED_BY, { id: postId, first: 3 }, { token: alice.token });
    expect(likers(first)).toEqual(expected.slice(0, 3));
    expect(first.data.post.likedBy.pageInfo.hasNextPage).toBe(true);
    const after = first.data.post.likedBy.pageInfo.endCursor;
    const rest = await app.gql(LIKED_BY, { id: postId, first: 3, after }, { token: alice.token });
    expect(likers(rest)).toEqual(expected.slice(3));
    expect(rest.data.post.likedBy.edges.map((e: any) => e.node.isViewer)).toEqual([false, true]);
    expect(rest.data.post.likedBy.pageInfo).toEqual({
      hasNextPage: false,
      endCursor: rest.data.post.likedBy.edges[1].cursor,
    });
  });

  it('drops a liker who unliked', async () => {
    const { bob, postId } = await alicePosts();
    await likePost(app, bob, postId);
    await app.gql(UNLIKE, { id: postId }, { token: bob.token });
    const res = await app.gql(LIKED_BY, { id: postId });
    expect(res.data.post.likedBy).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it.each([
    ['first', { first: 0 }],
    ['first', { first: 101 }],
    ['after', { after: 'bm9wZQ' }],
  ])('refuses an invalid %s (%j)', async (field, args) => {
    const { postId } = await alicePosts();
    const res = await app.gql(LIKED_BY, { id: postId, ...args });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(res)).toBe(field);
  });
});

describe('concurrency', () => {
  it('counts 20 simultaneous likes by 20 users as 20', async () => {
    const { postId } = await alicePosts();
    const fans = await signUpMany(app, 20);
    const results = await Promise.all(fans.map((fan) => app.gql(LIKE, { id: postId }, { token: fan.token })));
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect((await app.gql(POST, { id: postId })).data.post.likeCount).toBe(20);
    expect(await app.db.prisma.like.count()).toBe(20);
    expect(likers(await app.gql(LIKED_BY, { id: postId, first: 100 }))).toHaveLength(20);
  });

  it('ends a like/unlike storm by one user with the count matching the like rows', async () => {
    const { bob, postId } = await alicePosts();
    const storm = Array.from({ length: 30 }, (_, i) =>
      app.gql(i % 2 ? UNLIKE : LIKE, { id: postId }, { token: bob.token }),
    );
    const results = await Promise.all(storm);
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const rows = await app.db.prisma.like.count();
    expect(rows).toBeLessThanOrEqual(1);
    const post = (await app.gql(POST, { id: postId }, { token: bob.token })).data.post;
    expect(post).toEqual({ likeCount: rows, viewerHasLiked: rows === 1 });
    const stored = await app.db.prisma.post.findFirstOrThrow();
    expect(stored.likeCount).toBe(rows);
  });
});
