import { z } from 'zod';
import { eventId } from '../core/events';
import type { EventDefinition } from '../core/module';

declare module '../core/events' {
  interface RealtimeEvents {
    notificationReceived: { notificationId: string; recipientId: string };
  }
}

/** One trigger per recipient, so a notification wakes only that user's sockets. */
export const notificationTrigger = (recipientId: bigint | string): string => `notification:${recipientId}`;

export const notificationReceived: EventDefinition<'notificationReceived'> = {
  schema: z.object({ notificationId: eventId, recipientId: eventId }),
  trigger: (event) => notificationTrigger(event.recipientId),
  // null once undone (unliked, deleted) before delivery: nothing is sent
  load: (loaders, event) => loaders.notificationById.load(BigInt(event.notificationId)),
};
