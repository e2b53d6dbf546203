import { toGlobalId } from '../../src/core/global-id';
import { startTestApp, type TestApp } from '../support/app';
import { addComment, createPost, signUp } from '../support/scenario';
import { closeAllSockets, COMMENT_ADDED, openSocket, subscribersReach } from './support';

/** commentAdded(postId): the comments of one post, to anyone, anonymous included. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterEach(() => closeAllSockets(app));
afterAll(() => app.stop());

it('delivers the comments of the subscribed post only, to an anonymous socket', async () => {
  const [author, commenter] = [await signUp(app), await signUp(app)];
  const watched = await createPost(app, author);
  const other = await createPost(app, author);
  const comments = openSocket(app).subscribe(COMMENT_ADDED, { postId: watched });
  await subscribersReach(app, 1);

  await addComment(app, commenter, other, 'on the other post');
  const commentId = await addComment(app, commenter, watched, 'on the watched post');
  expect(await comments.next()).toEqual({
    data: {
      commentAdded: {
        id: commentId,
        body: 'on the watched post',
        author: { username: commenter.username },
        post: { id: watched },
      },
    },
  });
});

it('delivers to an authenticated subscriber too, with its own viewer', async () => {
  const [author, reader] = [await signUp(app), await signUp(app)];
  const post = await createPost(app, author);
  const comments = openSocket(app, { token: reader.token }).subscribe(
    `subscription ($postId: ID!) { commentAdded(postId: $postId) { body author { isViewer } } }`,
    { postId: post },
  );
  await subscribersReach(app, 1);
  await addComment(app, reader, post, 'mine');
  expect((await comments.next()).data).toEqual({
    commentAdded: { body: 'mine', author: { isViewer: true } },
  });
});

it('answers NOT_FOUND for an unknown post and BAD_USER_INPUT for a malformed id', async () => {
  const socket = openSocket(app);
  const unknown = await socket.subscribe(COMMENT_ADDED, { postId: toGlobalId('Post', 999_999n) }).next();
  expect(unknown.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  const malformed = await socket.subscribe(COMMENT_ADDED, { postId: 'not-an-id' }).next();
  expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'postId' });
  expect(app.app.realtime.subscriberCount()).toBe(0);
});
