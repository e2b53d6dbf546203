import type { AddCommentInput } from '../generated/graphql';
import type { Comment } from '../generated/prisma/client';
import type { AppContext } from '../core/context';
import { requireViewer } from '../core/viewer';
import { isForeignKeyViolation } from '../db/errors';
import { forbidden, notFound } from '../core/errors';
import { fromGlobalId, toGlobalId } from '../core/global-id';
import { checkLength } from '../core/validate';
import { announce, notifyComment, notifyMentions } from '../notifications/service';
import { commentColumns, commentFromRow } from './columns';
import { retryOnConflict } from '../db/retry';
import { linkComment, parseForWrite } from '../discovery/link';

export const MAX_COMMENT = 2200;

export async function addComment(ctx: AppContext, input: AddCommentInput): Promise<Comment> {
  const viewer = requireViewer(ctx);
  const postId = fromGlobalId('Post', input.postId, 'postId');
  const body = checkLength('body', input.body.trim(), 1, MAX_COMMENT);
  const text = parseForWrite(body, 'body');
  // No read first: the post is selected through the read policy in the same statement (a post
  // the viewer may not see inserts nothing: NOT_FOUND), and the foreign key covers a concurrent
  // delete. The post's author and the users the body mentions are notified in the same
  // transaction.
  try {
    const { comment, changes } = await retryOnConflict(() =>
      ctx.prisma.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<({ postAuthorId: bigint } & object)[]>`
          WITH added AS (
            INSERT INTO comments (post_id, author_id, body)
            SELECT p.id, ${viewer.id}::bigint, ${body} FROM posts p WHERE p.id = ${postId} AND ${ctx.visible.post('p')}
            RETURNING *
          )
          SELECT ${commentColumns('added')}, p.author_id AS "postAuthorId"
          FROM added JOIN posts p ON p.id = added.post_id`;
        if (!row) throw notFound('Post');
        const added = commentFromRow(row);
        const deps = { tx, policy: ctx.policy };
        const commented = await notifyComment(deps, {
          actorId: viewer.id,
          postId,
          commentId: added.id,
          authorId: row.postAuthorId,
        });
        const mentionedUserIds = await linkComment(tx, ctx.policy, added, text);
        const mentioned = await notifyMentions(deps, {
          actorId: viewer.id,
          postId,
          commentId: added.id,
          mentionedUserIds,
        });
        return { comment: added, changes: [...commented, ...mentioned] };
      }),
    );
    ctx.loaders.commentById.prime(comment.id, comment);
    // Announced after the commit, so a subscriber that loads the comment finds it.
    await ctx.events.publish({
      type: 'commentAdded',
      commentId: String(comment.id),
      postId: String(comment.postId),
    });
    await announce(ctx.events, changes);
    return comment;
  } catch (error) {
    if (isForeignKeyViolation(error)) throw notFound('Post');
    throw error;
  }
}

/** The comment's author may delete it, and so may the author of the post it is on. */
async function mayDelete(ctx: AppContext, comment: Comment, viewerId: bigint): Promise<boolean> {
  if (comment.authorId === viewerId) return true;
  const post = await ctx.loaders.postById.load(comment.postId);
  return post?.authorId === viewerId;
}

export async function deleteComment(ctx: AppContext, globalId: string): Promise<string> {
  const viewer = requireViewer(ctx);
  const comment = await ctx.loaders.commentById.load(fromGlobalId('Comment', globalId, 'id'));
  if (!comment) throw notFound('Comment');
  const allowed = await mayDelete(ctx, comment, viewer.id);
  if (!allowed) throw forbidden('Only its author or the post author can do that.');
  // Its notifications (COMMENT, MENTION) go with it: foreign key, ON DELETE CASCADE.
  const { count } = await ctx.prisma.comment.deleteMany({ where: { id: comment.id } });
  if (count === 0) throw notFound('Comment');
  ctx.loaders.commentById.clear(comment.id);
  return toGlobalId('Comment', comment.id);
}
