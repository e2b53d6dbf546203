import type { AppContext } from '../core/context';
import { notFound } from '../core/errors';
import { fromGlobalId } from '../core/global-id';
import type { Comment } from '../generated/prisma/client';
import { filtered } from '../realtime/filter';
import type { EventEnvelope } from '../realtime/event-scope';
import { commentAddedTrigger } from './events';

/** commentAdded: every new comment on one post the viewer may see; works anonymously. */
export async function newCommentsOnPost(
  ctx: AppContext,
  postGlobalId: string,
): Promise<AsyncIterable<EventEnvelope<Comment>>> {
  const postId = fromGlobalId('Post', postGlobalId, 'postId');
  if (!(await ctx.loaders.postById.load(postId))) throw notFound('Post');
  return filtered<Comment>(ctx, commentAddedTrigger(postId), ({ scope, payload }) =>
    scope.canSee(ctx.viewer, 'comment', payload.id),
  );
}
