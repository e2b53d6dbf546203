import { codesOf, startTestApp, type GraphQLResponse, type TestApp } from '../support/app';
import { addComment, createPost, likePost, photo, signUp, type TestMediaInput } from '../support/scenario';

const POST_FIELDS = `id caption createdAt editedAt likeCount commentCount viewerHasLiked
  author { username postCount } media { url altText width height }`;
const CREATE = `mutation ($input: CreatePostInput!) { createPost(input: $input) { ${POST_FIELDS} } }`;
const POST = `query ($id: ID!) { post(id: $id) { ${POST_FIELDS} } }`;
const EDIT = `mutation ($id: ID!, $caption: String!) { editPost(id: $id, caption: $caption) { id caption editedAt } }`;
const DELETE = `mutation ($id: ID!) { deletePost(id: $id) }`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(() => app.db.reset());

const fieldOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.field;
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64url');
const photos = (n: number) => Array.from({ length: n }, (_, i) => photo(i));

describe('createPost', () => {
  it('publishes a post with its media in the order given', async () => {
    const alice = await signUp(app, 'alice');
    const media = [
      { url: 'https://cdn.example.com/c.jpg', altText: 'a cat', width: 1080, height: 1080 },
      { url: 'http://cdn.example.com/a.png' },
      { url: 'https://cdn.example.com/b.jpg', altText: null, width: 640, height: 480 },
    ];
    const res = await app.gql(CREATE, { input: { caption: 'Sunday', media } }, { token: alice.token });
    expect(res.errors).toBeUndefined();
    expect(res.data.createPost).toMatchObject({
      caption: 'Sunday',
      editedAt: null,
      likeCount: 0,
      commentCount: 0,
      viewerHasLiked: false,
      author: { username: 'alice', postCount: 1 },
      media: [
        media[0],
        { url: 'http://cdn.example.com/a.png', altText: null, width: null, height: null },
        media[2],
      ],
    });
    const again = await app.gql(POST, { id: res.data.createPost.id });
    expect(again.data.post).toEqual(res.data.createPost);
  });

  it('keeps the order of ten media items', async () => {
    const alice = await signUp(app, 'alice');
    const urls = [7, 2, 9, 0, 5, 1, 8, 3, 6, 4].map((n) => `https://cdn.example.com/${n}.jpg`);
    const id = await createPost(app, alice, { media: urls.map((url) => ({ url })) });
    const res = await app.gql(POST, { id });
    expect(res.data.post.media.map((m: TestMediaInput) => m.url)).toEqual(urls);
  });

  it('defaults the caption to empty and trims it', async () => {
    const alice = await signUp(app, 'alice');
    const omitted = await app.gql(CREATE, { input: { media: [photo()] } }, { token: alice.token });
    expect(omitted.data.createPost.caption).toBe('');
    const padded = await app.gql(
      CREATE,
      { input: { caption: '  hi  \n', media: [photo()] } },
      { token: alice.token },
    );
    expect(padded.data.createPost.caption).toBe('hi');
  });

  it('needs a viewer', async () => {
    const res = await app.gql(CREATE, { input: { media: [photo()] } });
    expect(codesOf(res)).toEqual(['UNAUTHENTICATED']);
    expect(await app.db.prisma.post.count()).toBe(0);
  });

  it.each([
    ['media', { media: [] }],
    ['media', { media: photos(11) }],
    ['caption', { caption: 'c'.repeat(2201) }],
    ['media.2.url', { media: [photo(0), photo(1), { url: 'ftp://cdn.example.com/x.jpg' }] }],
    ['media.0.url', { media: [{ url: 'not a url' }] }],
    ['media.0.url', { media: [{ url: 'javascript:alert(1)' }] }],
    ['media.0.url', { media: [{ url: '' }] }],
    ['media.1.url', { media: [photo(), { url: `https://cdn.example.com/${'a'.repeat(2030)}` }] }],
    ['media.0.altText', { media: [{ ...photo(), altText: 'a'.repeat(1001) }] }],
    ['media.0.width', { media: [{ ...photo(), width: 0 }] }],
    ['media.0.width', { media: [{ ...photo(), width: -3 }] }],
    ['media.3.height', { media: [...photos(3), { ...photo(), height: 10_001 }] }],
  ])('refuses an invalid %s and writes nothing', async (field, input) => {
    const alice = await signUp(app, 'alice');
    const res = await app.gql(CREATE, { input: { media: [photo()], ...input } }, { token: alice.token });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(res)).toBe(field);
    expect(await app.db.prisma.post.count()).toBe(0);
    expect(await app.db.prisma.media.count()).toBe(0);
  });

  it('accepts every limit exactly', async () => {
    const alice = await signUp(app, 'alice');
    const longUrl = `https://cdn.example.com/${'a'.repeat(2048 - 'https://cdn.example.com/'.length)}`;
    const media = [{ url: longUrl, altText: 'é'.repeat(1000), width: 10_000, height: 1 }, ...photos(9)];
    const res = await app.gql(
      CREATE,
      { input: { caption: '📷'.repeat(2200), media } },
      { token: alice.token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createPost.media).toHaveLength(10);
    expect(res.data.createPost.media[0].url).toBe(longUrl);
    expect([...res.data.createPost.caption]).toHaveLength(2200);
  });
});

describe('post(id)', () => {
  it('is null for a post that does not exist', async () => {
    const res = await app.gql(POST, { id: globalId('Post', 12345) });
    expect(res.errors).toBeUndefined();
    expect(res.data.post).toBeNull();
  });

  it.each([
    ['the ID of a user', () => globalId('User', 1)],
    ['garbage', () => 'not-an-id'],
  ])('refuses %s with BAD_USER_INPUT', async (_what, id) => {
    await signUp(app, 'alice');
    const res = await app.gql(POST, { id: id() });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(res)).toBe('id');
  });

  it('resolves through node(id) as well', async () => {
    const alice = await signUp(app, 'alice');
    const id = await createPost(app, alice, { caption: 'hello' });
    const res = await app.gql(
      `query ($id: ID!) { node(id: $id) { __typename id ... on Post { caption } } }`,
      { id },
    );
    expect(res.data.node).toEqual({ __typename: 'Post', id, caption: 'hello' });
  });
});

describe('editPost', () => {
  it('changes the caption and marks the post edited', async () => {
    const alice = await signUp(app, 'alice');
    const id = await createPost(app, alice, { caption: 'before' });
    const res = await app.gql(EDIT, { id, caption: ' after ' }, { token: alice.token });
    expect(res.errors).toBeUndefined();
    expect(res.data.editPost).toMatchObject({ id, caption: 'after' });
    expect(new Date(res.data.editPost.editedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await app.gql(POST, { id })).data.post).toMatchObject({
      caption: 'after',
      editedAt: res.data.editPost.editedAt,
    });
  });

  it('does not mark a post edited when the caption is unchanged', async () => {
    const alice = await signUp(app, 'alice');
    const id = await createPost(app, alice, { caption: 'same' });
    const res = await app.gql(EDIT, { id, caption: 'same' }, { token: alice.token });
    expect(res.data.editPost).toEqual({ id, caption: 'same', editedAt: null });
  });

  it('is for the author only', async () => {
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const id = await createPost(app, alice, { caption: 'mine' });
    expect(codesOf(await app.gql(EDIT, { id, caption: 'hacked' }, { token: bob.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codesOf(await app.gql(EDIT, { id, caption: 'hacked' }))).toEqual(['UNAUTHENTICATED']);
    expect((await app.gql(POST, { id })).data.post).toMatchObject({ caption: 'mine', editedAt: null });
  });

  it('answers NOT_FOUND for a missing post and BAD_USER_INPUT for a bad caption or ID', async () => {
    const alice = await signUp(app, 'alice');
    const id = await createPost(app, alice);
    const missing = await app.gql(EDIT, { id: globalId('Post', 999), caption: 'x' }, { token: alice.token });
    expect(codesOf(missing)).toEqual(['NOT_FOUND']);
    const tooLong = await app.gql(EDIT, { id, caption: 'c'.repeat(2201) }, { token: alice.token });
    expect(codesOf(tooLong)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(tooLong)).toBe('caption');
    const wrongType = await app.gql(EDIT, { id: alice.id, caption: 'x' }, { token: alice.token });
    expect(codesOf(wrongType)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(wrongType)).toBe('id');
  });
});

describe('deletePost', () => {
  it('removes the post with its media, comments and likes, and keeps every count right', async () => {
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const doomed = await createPost(app, alice, { media: photos(3) });
    const kept = await createPost(app, alice);
    const commentId = await addComment(app, bob, doomed);
    await addComment(app, bob, kept);
    await likePost(app, bob, doomed);
    await likePost(app, alice, doomed);
    await likePost(app, bob, kept);

    const res = await app.gql(DELETE, { id: doomed }, { token: alice.token });
    expect(res.errors).toBeUndefined();
    expect(res.data.deletePost).toBe(doomed);

    expect((await app.gql(POST, { id: doomed })).data.post).toBeNull();
    const node = await app.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: commentId });
    expect(node.data.node).toBeNull();
    const prisma = app.db.prisma;
    expect(await prisma.post.count()).toBe(1);
    expect(await prisma.media.count()).toBe(1);
    expect(await prisma.comment.count()).toBe(1);
    expect(await prisma.like.count()).toBe(1);
    const survivor = (await app.gql(POST, { id: kept })).data.post;
    expect(survivor).toMatchObject({ likeCount: 1, commentCount: 1, author: { postCount: 1 } });
  });

  it('is for the author only, and a second delete is NOT_FOUND', async () => {
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const id = await createPost(app, alice);
    expect(codesOf(await app.gql(DELETE, { id }, { token: bob.token }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await app.gql(DELETE, { id }))).toEqual(['UNAUTHENTICATED']);
    expect(await app.db.prisma.post.count()).toBe(1);
    expect((await app.gql(DELETE, { id }, { token: alice.token })).errors).toBeUndefined();
    expect(codesOf(await app.gql(DELETE, { id }, { token: alice.token }))).toEqual(['NOT_FOUND']);
  });

  it('refuses an ID of another type', async () => {
    const alice = await signUp(app, 'alice');
    const res = await app.gql(DELETE, { id: alice.id }, { token: alice.token });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(fieldOf(res)).toBe('id');
  });
});
