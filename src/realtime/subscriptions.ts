import { withFilter } from 'graphql-subscriptions';
import type { AppContext } from '../core/context';
import type { Comment, Post } from '../generated/prisma/client';
import { requireViewer } from '../core/viewer';
import { notFound } from '../core/errors';
import { fromGlobalId } from '../core/global-id';
import { asSubscriptionContext, type SubscriptionContext } from './context';
import type { EventEnvelope } from './event-scope';
import { TRIGGERS } from './hub';

const FORBIDDEN = 4403;

/**
 * postCreated: posts by the accounts the viewer follows at the time of posting, and the
 * viewer's own. The follow is read when the event arrives, never from a list cached at
 * subscribe time, so a follow or unfollow applies to live subscriptions at once; a follow
 * made after the post (even one that reaches the database before the event reaches this
 * instance) does not bring it.
 */
export function newPostsForViewer(ctx: AppContext): Promise<AsyncIterable<EventEnvelope<Post>>> {
  const viewer = requireViewer(ctx);
  const subscriber = asSubscriptionContext(ctx);
  return filtered<Post>(subscriber, TRIGGERS.postCreated, async ({ scope, payload: post }) =>
    post.authorId === viewer.id
      ? true
      : (await scope.followedAt(viewer.id, post.authorId, post.createdAt)) &&
        scope.canSee(ctx.viewer, 'post', post.id),
  );
}

/** commentAdded: every new comment on one post; works anonymously. */
export async function newCommentsOnPost(
  ctx: AppContext,
  postGlobalId: string,
): Promise<AsyncIterable<EventEnvelope<Comment>>> {
  const postId = fromGlobalId('Post', postGlobalId, 'postId');
  if (!(await ctx.loaders.postById.load(postId))) throw notFound('Post');
  return filtered<Comment>(asSubscriptionContext(ctx), TRIGGERS.commentAdded(postId), ({ scope, payload }) =>
    scope.canSee(ctx.viewer, 'comment', payload.id),
  );
}

/**
 * A subscriber's iterator over one trigger, keeping the envelopes `admits` accepts. Every
 * event also re-checks the subscriber's session: once it is revoked or expired, the socket is
 * closed with 4403 and nothing more is delivered. The checks of all the subscribers of an
 * event run concurrently and batch into one statement each through the event's loaders.
 */
function filtered<T>(
  subscriber: SubscriptionContext,
  trigger: string,
  admits: (envelope: EventEnvelope<T>) => Promise<boolean>,
): Promise<AsyncIterable<EventEnvelope<T>>> {
  const filter = async (envelope?: EventEnvelope<T>) => {
    if (!envelope) return false;
    try {
      const [live, admitted] = await Promise.all([
        envelope.scope.sessionIsLive(subscriber.viewer),
        admits(envelope),
      ]);
      if (!live) subscriber.closeSocket(FORBIDDEN, 'Forbidden');
      return live && admitted;
    } catch (err) {
      subscriber.log.error({ err, trigger }, 'realtime filter failed: event not delivered');
      return false;
    }
  };
  return Promise.resolve(withFilter(() => subscriber.realtime.listen<T>(trigger), filter)());
}
