import type { AppContext } from '../core/context';
import type { Post } from '../generated/prisma/client';
import { requireViewer } from '../core/viewer';
import { filtered } from '../realtime/filter';
import type { EventEnvelope } from '../realtime/event-scope';
import { POST_CREATED_TRIGGER } from './events';

/**
 * postCreated: posts by the accounts the viewer follows at the time of posting, and the
 * viewer's own, that the read policy lets them see. The follow is read when the event arrives,
 * never from a list cached at subscribe time, so a follow or unfollow applies to live
 * subscriptions at once; a follow made after the post (even one that reaches the database
 * before the event reaches this instance) does not bring it.
 */
export function newPostsForViewer(ctx: AppContext): Promise<AsyncIterable<EventEnvelope<Post>>> {
  const viewer = requireViewer(ctx);
  return filtered<Post>(ctx, POST_CREATED_TRIGGER, async ({ scope, payload: post }) =>
    post.authorId === viewer.id ? true : scope.followedFeedPost(viewer.id, post.id),
  );
}
