import { toGlobalId } from '../../src/core/global-id';
import { startTestApp, type TestApp } from '../support/app';
import { createCommentRow, createPostRow, dbIdOf, signUp } from '../support/scenario';

const NODE = `query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on User { username }
    ... on Post { caption author { username } }
    ... on Comment { body post { caption } }
  }
}`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(() => app.db.reset());

const nodeOf = async (id: string) => {
  const res = await app.gql(NODE, { id });
  expect(res.errors).toBeUndefined();
  return res.data.node;
};

describe('node(id:)', () => {
  it('resolves a User, a Post and a Comment from their global ids', async () => {
    const alice = await signUp(app, 'alice');
    const post = await createPostRow(app, alice, { caption: 'sunset' });
    const commentId = await createCommentRow(app, post.id, alice, 'wow');
    expect(await nodeOf(alice.id)).toEqual({ __typename: 'User', id: alice.id, username: 'alice' });
    const postId = toGlobalId('Post', post.id);
    expect(await nodeOf(postId)).toEqual({
      __typename: 'Post',
      id: postId,
      caption: 'sunset',
      author: { username: 'alice' },
    });
    const id = toGlobalId('Comment', commentId);
    expect(await nodeOf(id)).toEqual({ __typename: 'Comment', id, body: 'wow', post: { caption: 'sunset' } });
  });

  it('answers the ids handed out by connections', async () => {
    const alice = await signUp(app, 'alice');
    await createPostRow(app, alice, { caption: 'from explore' });
    const explore = await app.gql(`{ explore(first: 1) { edges { node { id } } } }`);
    expect(await nodeOf(explore.data.explore.edges[0].node.id)).toMatchObject({
      __typename: 'Post',
      caption: 'from explore',
    });
  });

  it('is null for an id of the right shape whose row is gone', async () => {
    const alice = await signUp(app, 'alice');
    const post = await createPostRow(app, alice);
    await app.db.prisma.post.delete({ where: { id: post.id } });
    expect(await nodeOf(toGlobalId('Post', post.id))).toBeNull();
    expect(await nodeOf(toGlobalId('User', dbIdOf(alice) + 1000n))).toBeNull();
    expect(await nodeOf(toGlobalId('Comment', 1n))).toBeNull();
  });

  it.each([
    ['garbage', 'garbage'],
    ['a raw database key', '1'],
    ['an unknown type', Buffer.from('Session:1').toString('base64url')],
    ['a non-numeric key', Buffer.from('User:abc').toString('base64url')],
    ['a key beyond bigint', Buffer.from('User:99999999999999999999').toString('base64url')],
    ['an over-long id', 'A'.repeat(500)],
    ['an empty id', ''],
  ])('is null for %s', async (_what, id) => {
    await signUp(app, 'alice');
    expect(await nodeOf(id)).toBeNull();
  });
});
