import { z } from 'zod';
import { eventId } from '../core/events';
import type { EventDefinition } from '../core/module';

declare module '../core/events' {
  interface RealtimeEvents {
    postCreated: { postId: string; authorId: string };
  }
}

/** One trigger for every new post: who may receive it is decided per subscriber. */
export const POST_CREATED_TRIGGER = 'postCreated';

export const postCreated: EventDefinition<'postCreated'> = {
  schema: z.object({ postId: eventId, authorId: eventId }),
  trigger: () => POST_CREATED_TRIGGER,
  load: (loaders, event) => loaders.postById.load(BigInt(event.postId)),
};
