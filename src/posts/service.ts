import type { GraphQLResolveInfo } from 'graphql';
import type { Post } from '../generated/prisma/client';
import type { AppContext } from '../core/context';
import { requireViewer } from '../core/viewer';
import { forbidden, notFound } from '../core/errors';
import { fromGlobalId, toGlobalId } from '../core/global-id';
import type { CreatePostInput } from '../generated/graphql';
import { parseCaption, parseCreatePost, type MediaData } from './input';
import { pictureColumns, withUploads, type PreparedPicture } from '../media/service';
import { linkPost, parseForWrite } from '../discovery/link';
import { retryOnConflict } from '../db/retry';
import { announce, notifyMentions, undoMentions } from '../notifications/service';
import { commentsPageAhead, shownUsersAhead } from './shown';

/** Query.post: the post with what its page shows, comments included when asked ahead. */
export async function findPost(
  ctx: AppContext,
  globalId: string,
  info: GraphQLResolveInfo,
): Promise<Post | null> {
  const id = fromGlobalId('Post', globalId, 'id');
  const shown = await ctx.loaders.shownPostById.load({
    id,
    commentsFirst: commentsPageAhead(info, COMMENTS_UNDER_POST),
    users: shownUsersAhead(info, []),
  });
  return shown?.post ?? null;
}

const COMMENTS_UNDER_POST = [['Post', 'comments']] as const;

export async function createPost(ctx: AppContext, input: CreatePostInput): Promise<Post> {
  const viewer = requireViewer(ctx);
  const { caption, media } = parseCreatePost(input);
  const text = parseForWrite(caption, 'caption');
  const uploads = media.flatMap((m) => (m.uploadId ? [{ uploadId: m.uploadId, field: 'media' }] : []));
  // One transaction: there is never a post without its media, hashtags and mentions. Uploads
  // are processed first and consumed in the same transaction (see withUploads).
  const { created: post, changes } = await withUploads(ctx, uploads, 'post', async (tx, pictures) => {
    const created = await tx.post.create({
      data: {
        authorId: viewer.id,
        caption,
        media: { createMany: { data: media.map(withPicture(pictures)) } },
      },
    });
    const { mentioned } = await linkPost(tx, ctx.policy, created, text, true);
    const changes = await notifyMentions(
      { tx, policy: ctx.policy },
      { actorId: viewer.id, postId: created.id, mentionedUserIds: mentioned },
    );
    return { created, changes };
  });
  ctx.loaders.postById.prime(post.id, post);
  // Announced after the commit, so a subscriber that loads the post finds it.
  await ctx.events.publish({ type: 'postCreated', postId: String(post.id), authorId: String(post.authorId) });
  await announce(ctx.events, changes);
  return post;
}

/** A media row: as given, or, for an upload, its renditions measured by the server. */
const withPicture =
  (pictures: PreparedPicture[]) =>
  ({ uploadId, ...media }: MediaData) => {
    const picture = uploadId === undefined ? undefined : pictures.find((p) => p.uploadKey === uploadId);
    if (!picture) return media;
    // url keeps the largest rendition's name; its public URL depends on the storage's address.
    return { ...media, ...pictureColumns(picture) };
  };

/** The viewer's own post, for changes only its author may make. */
async function loadOwnPost(ctx: AppContext, globalId: string): Promise<Post> {
  const viewer = requireViewer(ctx);
  const post = await ctx.loaders.postById.load(fromGlobalId('Post', globalId, 'id'));
  if (!post) throw notFound('Post');
  if (post.authorId !== viewer.id) throw forbidden('Only the author can change this post.');
  return post;
}

export async function editPost(ctx: AppContext, globalId: string, caption: string): Promise<Post> {
  const post = await loadOwnPost(ctx, globalId);
  const newCaption = parseCaption(caption);
  // Saving the same text is not an edit: the post should not start showing "edited".
  if (newCaption === post.caption) return post;
  const text = parseForWrite(newCaption, 'caption');
  // The caption and its links change together: tags and mentions it lost go, new ones come.
  // Users it newly mentions are notified, and those it no longer mentions lose that notification.
  const changes = await retryOnConflict(() =>
    ctx.prisma.$transaction(async (tx) => {
      // updateMany, not update: a post deleted since we read it is NOT_FOUND, not a crash.
      const { count } = await tx.post.updateMany({
        where: { id: post.id },
        data: { caption: newCaption, editedAt: new Date() },
      });
      if (count === 0) throw notFound('Post');
      const { mentioned, unmentioned } = await linkPost(tx, ctx.policy, post, text, false);
      const deps = { tx, policy: ctx.policy };
      const mention = { actorId: post.authorId, postId: post.id };
      await undoMentions(deps, { ...mention, unmentionedUserIds: unmentioned });
      return notifyMentions(deps, { ...mention, mentionedUserIds: mentioned });
    }),
  );
  await announce(ctx.events, changes);
  const edited = await ctx.loaders.postById.clear(post.id).load(post.id);
  if (!edited) throw notFound('Post');
  return edited;
}

/**
 * Comments, likes, media and the notifications about the post go with it (ON DELETE CASCADE;
 * triggers fix the counts), in the one DELETE statement.
 */
export async function deletePost(ctx: AppContext, globalId: string): Promise<string> {
  const post = await loadOwnPost(ctx, globalId);
  const { count } = await ctx.prisma.post.deleteMany({ where: { id: post.id } });
  if (count === 0) throw notFound('Post');
  ctx.loaders.postById.clear(post.id);
  return toGlobalId('Post', post.id);
}
