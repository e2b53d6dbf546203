import { PRIVACY_RULES } from '../../src/core/visibility';
import { notifyMentions, undoMentions } from '../../src/notifications/service';
import { codesOf, startTestApp, type TestApp } from '../support/app';
import { addComment, createPost, dbIdOf, likePost, signUpMany, type TestUser } from '../support/scenario';
import {
  ACCEPT,
  BLOCK,
  DECLINE,
  DELETE_COMMENT,
  DELETE_POST,
  FOLLOW,
  FOLLOW_REQUESTS,
  MAKE_PRIVATE,
  MARK_READ,
  mutate,
  NOTIFICATIONS,
  notificationsOf,
  summaryOf,
  UNFOLLOW,
  UNLIKE,
  UNREAD,
  unreadCount,
} from './support';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(() => app.db.reset());

const dbId = (globalId: string) => BigInt(Buffer.from(globalId, 'base64url').toString().split(':')[1]!);
const unlike = (user: TestUser, postId: string) => mutate(app, user, UNLIKE, { id: postId });
const follow = (user: TestUser, target: TestUser) => mutate(app, user, FOLLOW, { id: target.id });

describe('each kind is created by its action, never by the actor on their own content', () => {
  it('LIKE: one per post, grouping its likers while unread', async () => {
    const [ana, bo, cy, di, ed] = await signUpMany(app, 5);
    const postId = await createPost(app, ana!, { caption: 'sunset' });
    await likePost(app, ana!, postId); // her own: nothing
    expect(await notificationsOf(app, ana!)).toEqual([]);

    for (const liker of [bo, cy, di, ed]) await likePost(app, liker!, postId);
    await likePost(app, bo!, postId); // again: idempotent, no second entry
    const [like, ...rest] = await notificationsOf(app, ana!);
    expect(rest).toEqual([]);
    expect(like).toMatchObject({
      kind: 'LIKE',
      actorCount: 4,
      read: false,
      actor: { username: ed!.username },
      // the most recent first, three by default
      actors: [{ username: ed!.username }, { username: di!.username }, { username: cy!.username }],
      post: { id: postId, caption: 'sunset' },
      comment: null,
    });
    const all = await app.gql(
      `{ notifications { edges { node { actors(first: 10) { username } } } } }`,
      {},
      { token: ana!.token },
    );
    expect(all.data.notifications.edges[0].node.actors).toHaveLength(4);
    const tooMany = await app.gql(
      `{ notifications { edges { node { actors(first: 11) { username } } } } }`,
      {},
      { token: ana!.token },
    );
    expect(codesOf(tooMany)).toEqual(['BAD_USER_INPUT']);
    // likes of another post form another group
    const other = await createPost(app, ana!, { caption: 'dawn' });
    await likePost(app, bo!, other);
    expect(await summaryOf(app, ana!)).toEqual([
      `LIKE:${bo!.username}`,
      `LIKE:${ed!.username},${di!.username},${cy!.username}+1`,
    ]);
  });

  it('COMMENT: one per comment, never grouped, with its post and comment', async () => {
    const [ana, bo] = await signUpMany(app, 2);
    const postId = await createPost(app, ana!);
    await addComment(app, ana!, postId, 'my own'); // nothing
    const first = await addComment(app, bo!, postId, 'wow');
    const second = await addComment(app, bo!, postId, 'again');
    const list = await notificationsOf(app, ana!);
    expect(list.map((n) => [n.kind, n.actorCount, n.comment?.id, n.comment?.body, n.post?.id])).toEqual([
      ['COMMENT', 1, second, 'again', postId],
      ['COMMENT', 1, first, 'wow', postId],
    ]);
  });

  it('FOLLOW: one group of new followers while unread', async () => {
    const [ana, bo, cy] = await signUpMany(app, 3);
    await follow(bo!, ana!);
    await follow(cy!, ana!);
    await follow(cy!, ana!); // idempotent
    const [group, ...rest] = await notificationsOf(app, ana!);
    expect(rest).toEqual([]);
    expect(group).toMatchObject({ kind: 'FOLLOW', actorCount: 2, post: null, comment: null });
    expect(group!.actors.map((a) => a.username)).toEqual([cy!.username, bo!.username]);
  });

  it('FOLLOW_REQUEST to a private account, FOLLOW_ACCEPTED back to the requester; answered, the request goes', async () => {
    const [ana, bo, cy] = await signUpMany(app, 3);
    await mutate(app, ana!, MAKE_PRIVATE, {});
    await follow(bo!, ana!);
    await follow(cy!, ana!);
    expect(await summaryOf(app, ana!)).toEqual([
      `FOLLOW_REQUEST:${cy!.username}`,
      `FOLLOW_REQUEST:${bo!.username}`,
    ]);
    const requests = (await mutate(app, ana!, FOLLOW_REQUESTS, {})).followRequests.edges.map(
      (e: any) => e.node.id,
    );
    // newest first: cy's, then bo's
    await mutate(app, ana!, ACCEPT, { id: requests[1] });
    await mutate(app, ana!, DECLINE, { id: requests[0] });
    expect(await notificationsOf(app, ana!)).toEqual([]);
    expect(await summaryOf(app, bo!)).toEqual([`FOLLOW_ACCEPTED:${ana!.username}`]);
    expect(await notificationsOf(app, cy!)).toEqual([]);

    // turning public accepts every pending request: each requester is told
    await follow(cy!, ana!);
    await mutate(app, ana!, `mutation { updateProfile(input: { isPrivate: false }) { id } }`, {});
    expect(await notificationsOf(app, ana!)).toEqual([]);
    expect(await summaryOf(app, cy!)).toEqual([`FOLLOW_ACCEPTED:${ana!.username}`]);
  });

  it('MENTION: notifyMentions called in a transaction: never the author, one per caption or comment, undone by undoMentions', async () => {
    const [ana, bo, cy] = await signUpMany(app, 3);
    const postId = await createPost(app, bo!, { caption: '@ana @cy @bo' });
    const commentId = await addComment(app, cy!, postId, '@ana look');
    const deps = { tx: app.db.prisma, policy: PRIVACY_RULES };
    await app.db.prisma.$transaction(async (tx) => {
      const changes = await notifyMentions(
        { tx, policy: PRIVACY_RULES },
        {
          actorId: dbIdOf(bo!),
          postId: dbId(postId),
          mentionedUserIds: [dbIdOf(ana!), dbIdOf(cy!), dbIdOf(bo!)],
        },
      );
      expect(changes).toHaveLength(2); // not bo, who wrote the caption
    });
    await notifyMentions(deps, {
      actorId: dbIdOf(cy!),
      postId: dbId(postId),
      commentId: dbId(commentId),
      mentionedUserIds: [dbIdOf(ana!)],
    });
    const list = await notificationsOf(app, ana!);
    expect(list.map((n) => [n.kind, n.actor.username, n.post?.id, n.comment?.id ?? null])).toEqual([
      ['MENTION', cy!.username, postId, commentId],
      ['MENTION', bo!.username, postId, null],
    ]);
    expect(await summaryOf(app, cy!)).toEqual([`MENTION:${bo!.username}`]);

    // an edit that drops the mention undoes it; deleting the comment takes its mention along
    await undoMentions(deps, {
      actorId: dbIdOf(bo!),
      postId: dbId(postId),
      unmentionedUserIds: [dbIdOf(cy!)],
    });
    expect(await notificationsOf(app, cy!)).toEqual([]);
    await mutate(app, cy!, DELETE_COMMENT, { id: commentId });
    expect(await summaryOf(app, ana!)).toEqual([`MENTION:${bo!.username}`]);
  });

  it('MENTION through the API: a caption, a comment and an edit that drops and adds mentions', async () => {
    const [ana, bo, cy, dee] = await signUpMany(app, 4);
    const at = (user: TestUser) => `@${user.username}`;
    // the author's own name in the caption notifies no one
    const postId = await createPost(app, bo!, { caption: `with ${at(ana!)} and ${at(cy!)} ${at(bo!)}` });
    const commentId = await addComment(app, cy!, postId, `${at(ana!)} look`);
    expect(
      (await notificationsOf(app, ana!)).map((n) => [n.kind, n.actor.username, n.comment?.id ?? null]),
    ).toEqual([
      ['MENTION', cy!.username, commentId],
      ['MENTION', bo!.username, null],
    ]);
    expect(await summaryOf(app, cy!)).toEqual([`MENTION:${bo!.username}`]);
    // bo, who mentioned himself, hears only of cy's comment
    expect(await summaryOf(app, bo!)).toEqual([`COMMENT:${cy!.username}`]);

    // the edit drops cy and adds dee: cy's MENTION goes, dee gets one, ana's stays as it was
    const edited = await app.gql(
      `mutation ($id: ID!, $caption: String!) { editPost(id: $id, caption: $caption) { id } }`,
      { id: postId, caption: `with ${at(ana!)} and ${at(dee!)}` },
      { token: bo!.token },
    );
    expect(edited.errors).toBeUndefined();
    expect(await notificationsOf(app, cy!)).toEqual([]);
    expect(await summaryOf(app, dee!)).toEqual([`MENTION:${bo!.username}`]);
    expect(await summaryOf(app, ana!)).toEqual([`MENTION:${cy!.username}`, `MENTION:${bo!.username}`]);

    // deleting the comment takes its mention along
    await mutate(app, cy!, DELETE_COMMENT, { id: commentId });
    expect(await summaryOf(app, ana!)).toEqual([`MENTION:${bo!.username}`]);
  });

  it('a notifying action that rolls back leaves no notification', async () => {
    const [ana, bo] = await signUpMany(app, 2);
    const postId = await createPost(app, ana!);
    await expect(
      app.db.prisma.$transaction(async (tx) => {
        await notifyMentions(
          { tx, policy: PRIVACY_RULES },
          { actorId: dbIdOf(bo!), postId: dbId(postId), mentionedUserIds: [dbIdOf(ana!)] },
        );
        throw new Error('the caption failed to save');
      }),
    ).rejects.toThrow('the caption failed to save');
    expect(await app.db.prisma.notification.count()).toBe(0);
  });
});

describe('undo', () => {
  it('unlike takes the liker out of the group; the last one out removes it', async () => {
    const [ana, bo, cy] = await signUpMany(app, 3);
    const postId = await createPost(app, ana!);
    await likePost(app, bo!, postId);
    await likePost(app, cy!, postId);
    await unlike(bo!, postId);
    expect(await summaryOf(app, ana!)).toEqual([`LIKE:${cy!.username}`]);
    expect((await notificationsOf(app, ana!))[0]!.actorCount).toBe(1);
    await unlike(cy!, postId);
    await unlike(cy!, postId);
    expect(await notificationsOf(app, ana!)).toEqual([]);
    expect(await app.db.prisma.notification.count()).toBe(0);
  });

  it('unfollow takes the follower out; withdrawing a request removes it', async () => {
    const [ana, bo, cy, di] = await signUpMany(app, 4);
    await follow(bo!, ana!);
    await follow(cy!, ana!);
    await mutate(app, bo!, UNFOLLOW, { id: ana!.id });
    expect(await summaryOf(app, ana!)).toEqual([`FOLLOW:${cy!.username}`]);
    await mutate(app, di!, MAKE_PRIVATE, {});
    await follow(bo!, di!);
    await mutate(app, bo!, UNFOLLOW, { id: di!.id });
    expect(await notificationsOf(app, di!)).toEqual([]);
  });

  it('deleting a comment or a post deletes the notifications about it', async () => {
    const [ana, bo] = await signUpMany(app, 2);
    const postId = await createPost(app, ana!);
    const kept = await createPost(app, ana!);
    const commentId = await addComment(app, bo!, postId);
    await addComment(app, bo!, postId, 'second');
    await likePost(app, bo!, postId);
    await likePost(app, bo!, kept);
    await mutate(app, bo!, DELETE_COMMENT, { id: commentId });
    expect(await summaryOf(app, ana!)).toEqual([
      `LIKE:${bo!.username}`,
      `LIKE:${bo!.username}`,
      `COMMENT:${bo!.username}`,
    ]);
    await mutate(app, ana!, DELETE_POST, { id: postId });
    const left = await notificationsOf(app, ana!);
    expect(left.map((n) => [n.kind, n.post?.id])).toEqual([['LIKE', kept]]);
  });
});

describe('order, reading and the unread count', () => {
  it('lists the most recently updated first: a group that gains an actor moves to the top', async () => {
    const [ana, bo, cy] = await signUpMany(app, 3);
    const postId = await createPost(app, ana!);
    await likePost(app, bo!, postId);
    await follow(bo!, ana!);
    await addComment(app, cy!, postId);
    expect(await summaryOf(app, ana!)).toEqual([
      `COMMENT:${cy!.username}`,
      `FOLLOW:${bo!.username}`,
      `LIKE:${bo!.username}`,
    ]);
    await likePost(app, cy!, postId);
    expect(await summaryOf(app, ana!)).toEqual([
      `LIKE:${cy!.username},${bo!.username}`,
      `COMMENT:${cy!.username}`,
      `FOLLOW:${bo!.username}`,
    ]);
    // pages follow the same order
    const page1 = await app.gql(NOTIFICATIONS, { first: 2 }, { token: ana!.token });
    expect(page1.data.notifications.pageInfo.hasNextPage).toBe(true);
    const page2 = await app.gql(
      NOTIFICATIONS,
      { first: 2, after: page1.data.notifications.pageInfo.endCursor },
      { token: ana!.token },
    );
    expect(page2.data.notifications.edges.map((e: any) => e.node.kind)).toEqual(['FOLLOW']);
    expect(page2.data.notifications.pageInfo.hasNextPage).toBe(false);
  });

  it('markNotificationsRead(upTo) reads up to that one; the next like starts a new group', async () => {
    const [ana, bo, cy, di] = await signUpMany(app, 4);
    const postId = await createPost(app, ana!);
    await likePost(app, bo!, postId);
    await follow(cy!, ana!);
    await addComment(app, di!, postId);
    expect(await unreadCount(app, ana!)).toBe(3);
    const [comment, followGroup] = await notificationsOf(app, ana!);

    expect((await mutate(app, ana!, MARK_READ, { upTo: followGroup!.id })).markNotificationsRead).toBe(2);
    expect(await unreadCount(app, ana!)).toBe(1);
    expect((await notificationsOf(app, ana!)).map((n) => [n.kind, n.read])).toEqual([
      ['COMMENT', false],
      ['FOLLOW', true],
      ['LIKE', true],
    ]);
    // read: cy's like starts a new LIKE group rather than joining bo's
    await likePost(app, cy!, postId);
    expect(await summaryOf(app, ana!)).toEqual([
      `LIKE:${cy!.username}`,
      `COMMENT:${di!.username}`,
      `FOLLOW:${cy!.username}`,
      `LIKE:${bo!.username}`,
    ]);
    expect(await unreadCount(app, ana!)).toBe(2);
    // undo still finds the read group
    await unlike(bo!, postId);
    expect(await summaryOf(app, ana!)).toHaveLength(3);

    expect((await mutate(app, ana!, MARK_READ, {})).markNotificationsRead).toBe(2);
    expect(await unreadCount(app, ana!)).toBe(0);
    expect((await mutate(app, ana!, MARK_READ, {})).markNotificationsRead).toBe(0);
    expect(comment!.kind).toBe('COMMENT');
  });

  it('refuses someone else’s upTo (NOT_FOUND) and the anonymous (UNAUTHENTICATED)', async () => {
    const [ana, bo] = await signUpMany(app, 2);
    await follow(bo!, ana!);
    const [theirs] = await notificationsOf(app, ana!);
    expect(codesOf(await app.gql(MARK_READ, { upTo: theirs!.id }, { token: bo!.token }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codesOf(await app.gql(MARK_READ, { upTo: 'nonsense' }, { token: bo!.token }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(await unreadCount(app, ana!)).toBe(1);
    for (const query of [NOTIFICATIONS, UNREAD, MARK_READ]) {
      expect(codesOf(await app.gql(query, {}))).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('node(id) returns the viewer’s own notification only', async () => {
    const [ana, bo] = await signUpMany(app, 2);
    await follow(bo!, ana!);
    const [mine] = await notificationsOf(app, ana!);
    const NODE = `query ($id: ID!) { node(id: $id) { ... on Notification { kind actorCount } } }`;
    expect((await app.gql(NODE, { id: mine!.id }, { token: ana!.token })).data.node).toEqual({
      kind: 'FOLLOW',
      actorCount: 1,
    });
    expect((await app.gql(NODE, { id: mine!.id }, { token: bo!.token })).data.node).toBeNull();
    expect((await app.gql(NODE, { id: mine!.id })).data.node).toBeNull();
  });
});

describe('blocks prevent and hide', () => {
  it('blocking takes each account out of the other’s notifications; an empty group goes', async () => {
    const [ana, bo, cy] = await signUpMany(app, 3);
    const anasPost = await createPost(app, ana!);
    const bosPost = await createPost(app, bo!);
    await likePost(app, bo!, anasPost);
    await likePost(app, cy!, anasPost);
    await follow(bo!, ana!);
    await likePost(app, ana!, bosPost);
    await mutate(app, ana!, BLOCK, { id: bo!.id });
    expect(await summaryOf(app, ana!)).toEqual([`LIKE:${cy!.username}`]);
    expect((await notificationsOf(app, ana!))[0]!.actorCount).toBe(1);
    expect(await notificationsOf(app, bo!)).toEqual([]);
    expect(await unreadCount(app, ana!)).toBe(1);
  });

  it('a blocked account’s mention notifies nobody, either way', async () => {
    const [ana, bo] = await signUpMany(app, 2);
    const bosPost = await createPost(app, bo!);
    const anasPost = await createPost(app, ana!);
    await mutate(app, ana!, BLOCK, { id: bo!.id });
    const deps = { tx: app.db.prisma, policy: PRIVACY_RULES };
    expect(
      await notifyMentions(deps, {
        actorId: dbIdOf(bo!),
        postId: dbId(bosPost),
        mentionedUserIds: [dbIdOf(ana!)],
      }),
    ).toEqual([]);
    expect(
      await notifyMentions(deps, {
        actorId: dbIdOf(ana!),
        postId: dbId(anasPost),
        mentionedUserIds: [dbIdOf(bo!)],
      }),
    ).toEqual([]);
    expect(await app.db.prisma.notification.count()).toBe(0);
  });

  it('the read policy hides what a block made outside the API would leave (list, count, node)', async () => {
    const [ana, bo, cy] = await signUpMany(app, 3);
    const postId = await createPost(app, ana!);
    await likePost(app, bo!, postId);
    await follow(bo!, ana!);
    await follow(cy!, ana!);
    // a block row written straight into the table: nothing removed the notifications
    await app.db.prisma.block.create({ data: { blockerId: dbIdOf(bo!), blockedId: dbIdOf(ana!) } });
    expect(await summaryOf(app, ana!)).toEqual([`FOLLOW:${cy!.username}`]);
    expect(await unreadCount(app, ana!)).toBe(1);
    const hidden = await app.db.prisma.notification.findFirstOrThrow({ where: { kind: 'LIKE' } });
    const NODE = `query ($id: ID!) { node(id: $id) { id } }`;
    const id = Buffer.from(`Notification:${hidden.id}`).toString('base64url');
    expect((await app.gql(NODE, { id }, { token: ana!.token })).data.node).toBeNull();
  });
});

describe('grouping under concurrency', () => {
  it('20 users liking one post at once leave one unread group of 20', async () => {
    const [author, ...likers] = await signUpMany(app, 21);
    const postId = await createPost(app, author!);
    const results = await Promise.all(
      likers.map((liker) =>
        app.gql(
          `mutation ($id: ID!) { likePost(postId: $id) { id } }`,
          { id: postId },
          { token: liker.token },
        ),
      ),
    );
    expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    const rows = await app.db.prisma.notification.findMany({ where: { recipientId: dbIdOf(author!) } });
    expect(rows.map((row) => [row.kind, row.actorCount])).toEqual([['LIKE', 20]]);
    expect(await app.db.prisma.notificationActor.count({ where: { notificationId: rows[0]!.id } })).toBe(20);
    const [group] = await notificationsOf(app, author!);
    expect(group).toMatchObject({ kind: 'LIKE', actorCount: 20 });

    // and 20 unlikes at once leave none
    await Promise.all(likers.map((liker) => unlike(liker, postId)));
    expect(await app.db.prisma.notification.count()).toBe(0);
  });
});
