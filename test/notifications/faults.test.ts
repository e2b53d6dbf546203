import { codesOf } from '../support/app';
import { addComment, createPost, dbIdOf, signUpMany } from '../support/scenario';
import { faultInjectionApp } from '../faults/support';
import { FOLLOW } from './support';

/**
 * A notification is written in the transaction of the action that causes it: a failure injected
 * after the action's own write (a test-only trigger raising on the notification's row) leaves
 * neither the action nor its notification, and every counter equal to its rows (checked after
 * each test by faultInjectionApp).
 */
const faults = faultInjectionApp();
const LIKE = `mutation ($id: ID!) { likePost(postId: $id) { id likeCount } }`;
const COMMENT = `mutation ($input: AddCommentInput!) { addComment(input: $input) { id } }`;

describe('an action whose notification fails to be written did not happen', () => {
  it('likePost: the like row was written, then its notification fails: neither remains', async () => {
    const { app } = faults;
    const [author, liker] = await signUpMany(app, 2);
    const postId = await createPost(app, author!);
    const fault = await faults.fail({ table: 'notification_actors', op: 'INSERT' });
    const res = await app.gql(LIKE, { id: postId }, { token: liker!.token });
    expect(codesOf(res)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(await fault.attempts()).toBe(1); // the like's statement ran before the failure
    expect(await app.db.prisma.like.count({ where: { userId: dbIdOf(liker!) } })).toBe(0);
    expect(await app.db.prisma.notification.count({ where: { recipientId: dbIdOf(author!) } })).toBe(0);

    await fault.remove();
    const retried = await app.gql(LIKE, { id: postId }, { token: liker!.token });
    expect(retried.data.likePost.likeCount).toBe(1);
    expect(await app.db.prisma.notification.count({ where: { recipientId: dbIdOf(author!) } })).toBe(1);
  });

  it('addComment: neither the comment nor its notification remains', async () => {
    const { app } = faults;
    const [author, commenter] = await signUpMany(app, 2);
    const postId = await createPost(app, author!);
    await faults.fail({ table: 'notifications', op: 'INSERT' });
    const res = await app.gql(COMMENT, { input: { postId, body: 'doomed' } }, { token: commenter!.token });
    expect(codesOf(res)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(await app.db.prisma.comment.count({ where: { authorId: dbIdOf(commenter!) } })).toBe(0);
    expect(await app.db.prisma.notification.count({ where: { recipientId: dbIdOf(author!) } })).toBe(0);
  });

  it('follow: neither the follow nor its notification remains', async () => {
    const { app } = faults;
    const [followee, follower] = await signUpMany(app, 2);
    await faults.fail({ table: 'notification_actors', op: 'INSERT' });
    const res = await app.gql(FOLLOW, { id: followee!.id }, { token: follower!.token });
    expect(codesOf(res)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(await app.db.prisma.follow.count({ where: { followerId: dbIdOf(follower!) } })).toBe(0);
    expect(await app.db.prisma.notification.count({ where: { recipientId: dbIdOf(followee!) } })).toBe(0);
  });

  it('unlikePost: the unlike fails with its undo, so the like and its notification stay', async () => {
    const { app } = faults;
    const [author, liker] = await signUpMany(app, 2);
    const postId = await createPost(app, author!);
    await app.gql(LIKE, { id: postId }, { token: liker!.token });
    await addComment(app, liker!, postId);
    await faults.fail({ table: 'notification_actors', op: 'DELETE' });
    const res = await app.gql(
      `mutation ($id: ID!) { unlikePost(postId: $id) { id } }`,
      { id: postId },
      {
        token: liker!.token,
      },
    );
    expect(codesOf(res)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(await app.db.prisma.like.count({ where: { userId: dbIdOf(liker!) } })).toBe(1);
    expect(
      await app.db.prisma.notification.count({ where: { recipientId: dbIdOf(author!), kind: 'LIKE' } }),
    ).toBe(1);
  });
});
