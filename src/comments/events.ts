import { z } from 'zod';
import { eventId } from '../core/events';
import type { EventDefinition } from '../core/module';

declare module '../core/events' {
  interface RealtimeEvents {
    commentAdded: { commentId: string; postId: string };
  }
}

/** One trigger per post, so a comment wakes only that post's subscribers. */
export const commentAddedTrigger = (postId: bigint | string): string => `commentAdded:${postId}`;

export const commentAdded: EventDefinition<'commentAdded'> = {
  schema: z.object({ commentId: eventId, postId: eventId }),
  trigger: (event) => commentAddedTrigger(event.postId),
  load: (loaders, event) => loaders.commentById.load(BigInt(event.commentId)),
};
