import type { Logger } from 'pino';
import type { AppServices } from '../core/context';
import type { PrismaClient } from '../generated/prisma/client';
import { demoPicture } from '../media/demo';
import { avatarColumns, pictureColumns, storePicture, type PreparedPicture } from '../media/service';
import { PasswordHasher } from '../security/passwords';
import { PRIVACY_RULES } from '../core/visibility';
import { linkComment, linkPost, parseForWrite } from '../discovery/link';
import {
  notifyComment,
  notifyFollow,
  notifyFollowRequest,
  notifyLike,
  notifyMentions,
  type NotifyDeps,
} from '../notifications/service';

/** The documented demo login (README): username `demo`, password `shutter-demo`. */
export const DEMO_LOGIN = { username: 'demo', password: 'shutter-demo' } as const;

const FIRST_NAMES = [
  'Ava',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Felix',
  'Grace',
  'Hugo',
  'Iris',
  'Jonas',
  'Kira',
  'Leo',
  'Maya',
  'Nico',
  'Olivia',
  'Pablo',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wes',
  'Xena',
  'Yuki',
  'Zane',
  'Amara',
  'Bruno',
  'Carmen',
  'Dario',
  'Esme',
  'Finn',
  'Gia',
  'Hana',
  'Ivan',
];
const SUBJECTS = [
  'sunset',
  'coffee',
  'mountains',
  'city lights',
  'my dog',
  'the beach',
  'brunch',
  'street art',
  'a long hike',
  'rainy days',
];
const COMMENTS = [
  'Love this!',
  'Wow 😍',
  'Where is this?',
  'Great shot',
  'So good',
  'Take me there',
  'Beautiful colours',
  '🔥🔥',
  'Goals',
  'Nice one!',
];
const DAY_MS = 86_400_000;

/** The hashtag of a subject: "city lights" -> "#citylights". */
const tagOf = (subject: string) => `#${subject.replace(/[^a-z]/g, '')}`;

/** A small deterministic PRNG (mulberry32) so the demo data is the same on every machine. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many of the newest posts show a picture stored by Shutter (the others link to URLs). */
const STORED_PICTURES = 12;

/** Where seeded pictures go: the photo pipeline and storage the server uses. */
export type SeedMedia = Pick<AppServices, 'media' | 'log'>;

export interface SeedOptions {
  /** with it, the newest posts and the demo user's avatar are pictures made by the pipeline */
  media?: SeedMedia;
  /** stops seeding between steps (Ctrl-C during a first start); the transaction rolls back */
  signal?: AbortSignal;
}

/**
 * Seeds a few dozen users with follows, posts (with media, hashtags and mentions), likes and
 * comments (some mentioning someone). Counts are
 * kept by the database triggers as the rows go in. Every demo user shares one password hash,
 * computed once, so seeding takes a second whatever the argon2 cost. With `media`, the newest
 * posts' first photo and the demo user's avatar go through the photo pipeline, as an upload
 * would (renditions and blurhash), from pictures drawn with sharp: files first, then the rows
 * (an interrupted seed leaves orphan files for the sweeper, never a row without files).
 */
export async function seedDemoData(
  prisma: PrismaClient,
  hasher: PasswordHasher,
  { media, signal }: SeedOptions = {},
): Promise<void> {
  const pictures = media ? await storeDemoPictures(media, signal) : null;
  signal?.throwIfAborted();
  const rand = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const passwordHash = await hasher.hash(DEMO_LOGIN.password);
  const now = Date.now();
  const names = ['demo', ...FIRST_NAMES.map((n) => n.toLowerCase())];

  await prisma.$transaction(
    async (tx) => {
      await tx.user.createMany({
        data: names.map((username, i) => ({
          username,
          email: `${username}@demo.shutter.dev`,
          passwordHash,
          displayName: username === 'demo' ? 'Demo User' : FIRST_NAMES[i - 1]!,
          bio:
            username === 'demo'
              ? 'Log in as demo / shutter-demo to explore.'
              : `Photos of ${pick(SUBJECTS)}.`,
          avatarUrl: `https://i.pravatar.cc/300?u=${username}`,
          createdAt: new Date(now - 120 * DAY_MS + i * DAY_MS),
          ...(username === 'demo' && pictures ? avatarColumns(pictures.avatar) : {}),
        })),
      });
      const users = await tx.user.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
      const ids = users.map((u) => u.id);

      const follows = new Map<string, { followerId: bigint; followeeId: bigint; createdAt: Date }>();
      for (const followerId of ids) {
        for (let k = 0; k < 8; k++) {
          const followeeId = pick(ids);
          if (followeeId !== followerId) {
            follows.set(`${followerId}:${followeeId}`, {
              followerId,
              followeeId,
              createdAt: new Date(now - rand() * 60 * DAY_MS),
            });
          }
        }
      }
      await tx.follow.createMany({ data: [...follows.values()] });

      for (let p = 0; p < 120; p++) {
        signal?.throwIfAborted();
        const stored = pictures?.posts[p - (120 - STORED_PICTURES)];
        const subject = pick(SUBJECTS);
        const createdAt = new Date(now - (120 - p) * 11 * 3_600_000);
        // Every post is #shutter and tagged by subject; a third mention a friend.
        const friend = p % 3 === 0 ? ` with @${pick(names)}` : '';
        const caption = `Just me and ${subject}${friend} ${tagOf(subject)} #shutter`;
        const post = await tx.post.create({
          data: {
            authorId: pick(ids),
            caption,
            createdAt,
            media: {
              create: Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, position) => ({
                position,
                url: `https://picsum.photos/seed/shutter-${p}-${position}/1080/1080`,
                altText: `A photo of ${subject}`,
                width: 1080,
                height: 1080,
                ...(position === 0 && stored ? pictureColumns(stored) : {}),
              })),
            },
          },
        });
        await linkPost(tx, PRIVACY_RULES, post, parseForWrite(caption, 'caption'), true);
        const likers = new Set(Array.from({ length: Math.floor(rand() * 12) }, () => pick(ids)));
        await tx.like.createMany({
          data: [...likers].map((userId) => ({ userId, postId: post.id, createdAt })),
        });
        for (let c = 0, count = Math.floor(rand() * 4); c < count; c++) {
          // every other comment answers someone by name
          const body = c % 2 === 1 ? `@${pick(names)} ${pick(COMMENTS)}` : pick(COMMENTS);
          const comment = await tx.comment.create({
            data: {
              postId: post.id,
              authorId: pick(ids),
              body,
              createdAt: new Date(createdAt.getTime() + (c + 1) * 60_000),
            },
          });
          await linkComment(tx, PRIVACY_RULES, comment, parseForWrite(body, 'body'));
        }
      }
      await seedPrivacy(tx, names, ids);
      await seedNotifications(tx, names, ids, now);
    },
    { timeout: 60_000 },
  );
}

/** The demo pictures, processed and stored as uploads are; removed again if any fails. */
async function storeDemoPictures(
  services: SeedMedia,
  signal: AbortSignal | undefined,
): Promise<{ posts: PreparedPicture[]; avatar: PreparedPicture }> {
  const stored: PreparedPicture[] = [];
  try {
    // one at a time: the processor's line is the server's, sized for requests, not a burst
    for (let i = 0; i <= STORED_PICTURES; i++) {
      signal?.throwIfAborted();
      const kind = i === STORED_PICTURES ? 'avatar' : 'post';
      stored.push(await storePicture(services, await demoPicture(i), 'image/jpeg', kind));
    }
  } catch (error) {
    await Promise.all(
      stored.map((p) => services.media.storage.deleteRenditions(p.assetKey).catch(() => undefined)),
    );
    throw error;
  }
  return { posts: stored.slice(0, STORED_PICTURES), avatar: stored[STORED_PICTURES]! };
}

type SeedTransaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * One of each privacy case for Sandbox, as the demo user sees them: a private account it has
 * asked to follow (`ivan`, pending), one it muted (`hana`: gone from its feed only) and one it
 * blocked (`gia`: gone everywhere, listed in blockedUsers). Written as the mutations would
 * leave them: no follow between the demo user and the account it asks or blocks.
 */
async function seedPrivacy(tx: SeedTransaction, names: string[], ids: bigint[]): Promise<void> {
  const idOf = (name: string) => ids[names.indexOf(name)]!;
  const [demo, asked, muted, blocked] = ['demo', 'ivan', 'hana', 'gia'].map(idOf) as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  await tx.user.update({
    where: { id: asked },
    data: { isPrivate: true, bio: 'Private account: ask to follow.' },
  });
  await tx.follow.deleteMany({
    where: {
      OR: [
        { followerId: demo, followeeId: { in: [asked, blocked] } },
        { followerId: blocked, followeeId: demo },
      ],
    },
  });
  await tx.follow.createMany({ data: [{ followerId: demo, followeeId: muted }], skipDuplicates: true });
  await tx.followRequest.create({ data: { requesterId: demo, targetId: asked } });
  await tx.mute.create({ data: { muterId: demo, mutedId: muted } });
  await tx.block.create({ data: { blockerId: demo, blockedId: blocked } });
}

/**
 * A few notifications for the demo user, written by the same service calls as the mutations,
 * with the rows they are about: a post of theirs liked by four (one group) and commented on,
 * and two new followers (one group). `ivan` has the demo user's follow request to answer.
 */
async function seedNotifications(
  tx: SeedTransaction,
  names: string[],
  ids: bigint[],
  now: number,
): Promise<void> {
  const idOf = (name: string) => ids[names.indexOf(name)]!;
  const deps: NotifyDeps = { tx, policy: PRIVACY_RULES };
  const demo = idOf('demo');
  const post = await tx.post.create({
    data: {
      authorId: demo,
      caption: 'Golden hour from the roof #shutter',
      createdAt: new Date(now - 2 * 3_600_000),
      media: {
        create: [
          {
            position: 0,
            url: 'https://picsum.photos/seed/shutter-demo/1080/1080',
            width: 1080,
            height: 1080,
          },
        ],
      },
    },
  });
  for (const name of ['amara', 'bruno', 'carmen', 'dario']) {
    await tx.like.create({ data: { userId: idOf(name), postId: post.id } });
    await notifyLike(deps, { actorId: idOf(name), postId: post.id, authorId: demo });
  }
  const comment = await tx.comment.create({
    data: { postId: post.id, authorId: idOf('leo'), body: 'That light! 😍' },
  });
  await notifyComment(deps, { actorId: idOf('leo'), postId: post.id, commentId: comment.id, authorId: demo });
  for (const name of ['esme', 'finn']) {
    const followed = await tx.follow.createMany({
      data: [{ followerId: idOf(name), followeeId: demo }],
      skipDuplicates: true,
    });
    if (followed.count > 0) await notifyFollow(deps, { actorId: idOf(name), followeeId: demo });
  }
  await notifyFollowRequest(deps, { actorId: demo, targetId: idOf('ivan') });
  // a caption that mentions the demo user, linked and notified as createPost does
  const caption = 'Coffee with @demo before the walk #coffee';
  const mentioning = await tx.post.create({
    data: {
      authorId: idOf('carmen'),
      caption,
      createdAt: new Date(now - 3_600_000),
      media: {
        create: [
          {
            position: 0,
            url: 'https://picsum.photos/seed/shutter-coffee/1080/1080',
            width: 1080,
            height: 1080,
          },
        ],
      },
    },
  });
  const { mentioned } = await linkPost(
    tx,
    PRIVACY_RULES,
    mentioning,
    parseForWrite(caption, 'caption'),
    true,
  );
  await notifyMentions(deps, {
    actorId: mentioning.authorId,
    postId: mentioning.id,
    mentionedUserIds: mentioned,
  });
}

/** Seeds the demo dataset when the database has no users; returns true when it seeded. */
export async function seedIfEmpty(
  prisma: PrismaClient,
  hasher: PasswordHasher,
  log?: Logger,
  options: SeedOptions = {},
): Promise<boolean> {
  if ((await prisma.user.count()) > 0) return false;
  await seedDemoData(prisma, hasher, options);
  log?.info(`demo data seeded: log in as ${DEMO_LOGIN.username} / ${DEMO_LOGIN.password}`);
  return true;
}
