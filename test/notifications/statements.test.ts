import { startTestApp, type TestApp } from '../support/app';
import {
  addComment,
  createPost,
  likePost,
  signUp,
  signUpMany,
  useToken,
  type TestUser,
} from '../support/scenario';
import { FOLLOW, mutate, NOTIFICATIONS, UNREAD } from './support';

/**
 * The notifications screen is cheap: a page, whatever its size, with each notification's
 * actors, post and comment, is one statement (the token's session checked and kept by the
 * request before, as for the feed), and the unread count is one.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

/** 30 posts by the viewer, each liked by 3 and commented on by one, and 3 followers: 61 notifications (30 like groups, 30 comments, a follow group). */
async function busyViewer(): Promise<TestUser> {
  const viewer = await signUp(app, 'busy');
  const others = await signUpMany(app, 3);
  for (let n = 0; n < 30; n++) {
    const postId = await createPost(app, viewer, { caption: `post ${n}` });
    for (const other of others) await likePost(app, other, postId);
    await addComment(app, others[n % 3]!, postId, `comment ${n}`);
  }
  for (const other of others) await mutate(app, other, FOLLOW, { id: viewer.id });
  return viewer;
}

it('spends one statement on a page of 10 notifications and on a page of 50, and one on the count', async () => {
  const viewer = await busyViewer();
  await useToken(app, viewer);
  const measure = (first: number) =>
    app.db.statements.capture(() => app.gql(NOTIFICATIONS, { first }, { token: viewer.token }));
  const ten = await measure(10);
  const fifty = await measure(50);
  for (const { result } of [ten, fifty]) expect(result.errors).toBeUndefined();
  const edges = fifty.result.data.notifications.edges.map((e: any) => e.node);
  expect(edges).toHaveLength(50);
  // every notification really carries its actors, post and comment
  expect(edges[0]).toMatchObject({ kind: 'FOLLOW', actorCount: 3 });
  expect(edges[0].actors).toHaveLength(3);
  const comments = edges.filter((n: any) => n.kind === 'COMMENT');
  const likes = edges.filter((n: any) => n.kind === 'LIKE');
  expect(comments.length).toBeGreaterThan(10);
  expect(likes.length).toBeGreaterThan(10);
  expect(comments[0].comment.body).toMatch(/^comment \d+$/);
  expect(comments[0].post.caption).toMatch(/^post \d+$/);
  expect(likes[0]).toMatchObject({ actorCount: 3, post: { caption: expect.stringMatching(/^post/) } });
  expect(likes[0].actors).toHaveLength(3);

  console.info(
    `notifications statements: first 10 -> ${ten.statements.length}, first 50 -> ${fifty.statements.length}`,
  );
  expect(fifty.statements).toHaveLength(ten.statements.length);
  expect(fifty.statements).toHaveLength(1);

  const count = await app.db.statements.capture(() => app.gql(UNREAD, {}, { token: viewer.token }));
  expect(count.result.data.unreadNotificationCount).toBe(61);
  expect(count.statements).toHaveLength(1);
});
