import pino from 'pino';
import { createPubSub } from '../../src/realtime/pubsub';
import { startTestApp, codesOf, type TestApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { addComment, createPost, dbIdOf, likePost, signUpMany, type TestUser } from '../support/scenario';
import {
  closeAllSockets,
  openSocket,
  subscribersReach,
  within,
  type TestSubscription,
} from '../realtime/support';
import { FOLLOW, mutate, NOTIFICATION_RECEIVED, notificationsOf } from './support';

/**
 * notificationReceived over real WebSockets: every new notification and every update of a
 * group reaches each socket of its recipient within a second, on one instance and, through
 * Redis, from an action on another instance; delivery re-checks blocks.
 */
const SECOND = 1_000;

/** The next notification on `sub`, which must arrive within a second of `action` starting. */
async function nextAfter(sub: TestSubscription<any>, action: () => Promise<unknown>) {
  const started = Date.now();
  await action();
  const result = await within(sub.next(), 'a notification', SECOND);
  expect(Date.now() - started).toBeLessThan(SECOND);
  expect(result.errors).toBeUndefined();
  return result.data!.notificationReceived;
}

describe('one instance', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterEach(() => closeAllSockets(app));
  afterAll(() => app.stop());

  it('pushes a new notification and each group update to every socket of the recipient', async () => {
    const [ana, bo, cy, di] = await signUpMany(app, 4);
    const postId = await createPost(app, ana!, { caption: 'live' });
    const phone = openSocket(app, { token: ana!.token }).subscribe(NOTIFICATION_RECEIVED);
    const laptop = openSocket(app, { token: ana!.token }).subscribe(NOTIFICATION_RECEIVED);
    const stranger = openSocket(app, { token: di!.token }).subscribe(NOTIFICATION_RECEIVED);
    await subscribersReach(app, 3);

    const first = await nextAfter(phone, () => likePost(app, bo!, postId));
    expect(first).toMatchObject({
      kind: 'LIKE',
      actorCount: 1,
      actor: { username: bo!.username },
      post: { id: postId, caption: 'live' },
    });
    expect((await within(laptop.next(), 'the second socket', SECOND)).data?.notificationReceived.id).toBe(
      first.id,
    );

    // the group's update: same notification, one more actor, the newest first
    const update = await nextAfter(phone, () => likePost(app, cy!, postId));
    expect(update).toMatchObject({ id: first.id, actorCount: 2, actor: { username: cy!.username } });
    expect(update.actors.map((a: any) => a.username)).toEqual([cy!.username, bo!.username]);
    await laptop.next();

    const comment = await nextAfter(phone, () => addComment(app, bo!, postId, 'hi'));
    expect(comment).toMatchObject({ kind: 'COMMENT', comment: { body: 'hi' } });
    const follow = await nextAfter(phone, () => mutate(app, bo!, FOLLOW, { id: ana!.id }));
    expect(follow).toMatchObject({ kind: 'FOLLOW', actor: { username: bo!.username } });

    // nothing of ana's reached di: di's next is di's own
    const diPost = await createPost(app, di!);
    const own = await nextAfter(stranger, () => likePost(app, ana!, diPost));
    expect(own).toMatchObject({ kind: 'LIKE', actor: { username: ana!.username } });
  });

  it('needs authentication', async () => {
    const anonymous = openSocket(app).subscribe(NOTIFICATION_RECEIVED);
    expect(codesOf((await anonymous.next()) as never)).toEqual(['UNAUTHENTICATED']);
  });
});

/** Instances A and B over one database and one Redis: the action on B, the socket on A. */
const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) {
  console.warn('SKIPPED the two-instance part of test/notifications/live.test.ts: set REDIS_URL (CI does)');
}
(REDIS_URL ? describe : describe.skip)('two instances through Redis', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startTestApp({ REDIS_URL: REDIS_URL! }, { db });
    b = await startTestApp({ REDIS_URL: REDIS_URL! }, { db });
    await Promise.all([a.app.realtime.ready, b.app.realtime.ready]);
  });
  afterEach(() => closeAllSockets(a));
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.close();
  });

  it('delivers a like made on B to the recipient connected to A, within a second', async () => {
    const [ana, bo, cy] = await signUpMany(b, 3);
    const postId = await createPost(b, ana!);
    const socket = openSocket(a, { token: ana!.token }).subscribe(NOTIFICATION_RECEIVED);
    await subscribersReach(a, 1);
    const first = await nextAfter(socket, () => likePost(b, bo!, postId));
    expect(first).toMatchObject({ kind: 'LIKE', actorCount: 1, actor: { username: bo!.username } });
    const update = await nextAfter(socket, () => likePost(b, cy!, postId));
    expect(update).toMatchObject({ id: first.id, actorCount: 2 });
  });

  it('re-checks blocks at delivery: an event for a notification hidden since is not delivered', async () => {
    const [ana, bo, cy] = await signUpMany(b, 3);
    const postId = await createPost(b, ana!);
    await likePost(b, bo!, postId);
    await mutate(b, cy!, FOLLOW, { id: ana!.id });
    const [followGroup, likeGroup] = await notificationsOf(b, ana!);
    expect([followGroup!.kind, likeGroup!.kind]).toEqual(['FOLLOW', 'LIKE']);
    const socket = openSocket(a, { token: ana!.token }).subscribe(NOTIFICATION_RECEIVED);
    await subscribersReach(a, 1);

    // bo blocks ana between bo's like and the delivery of its event (written straight into the
    // table, so only the delivery check stands between the event and ana)
    await db.prisma.block.create({ data: { blockerId: dbIdOf(bo!), blockedId: dbIdOf(ana!) } });
    await publishLate(likeGroup!.id, ana!);
    // the control: delivered, and the next result, so the like's event was dropped
    await publishLate(followGroup!.id, ana!);
    // payloads load concurrently: a second control makes sure the like's event had its turn
    for (let round = 0; round < 2; round++) {
      if (round > 0) await publishLate(followGroup!.id, ana!);
      const next = await within(socket.next(), 'the control event', 5 * SECOND);
      expect(next.data?.notificationReceived).toMatchObject({ id: followGroup!.id, kind: 'FOLLOW' });
    }
  });
});

/** Publishes the notification's event as an instance does, from outside both. */
async function publishLate(globalId: string, recipient: TestUser): Promise<void> {
  const id = Buffer.from(globalId, 'base64url').toString().split(':')[1]!;
  const late = createPubSub({ REDIS_URL }, pino({ level: 'silent' }));
  try {
    // both of its connections ready first: closing one still connecting rejects its handshake
    await late.subscribe('commentAdded', () => {});
    await late.publish({
      type: 'notificationReceived',
      notificationId: id,
      recipientId: String(dbIdOf(recipient)),
    });
  } finally {
    await late.close();
  }
}
