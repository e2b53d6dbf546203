import { z } from 'zod';

const numericId = z.string().regex(/^[1-9][0-9]{0,18}$/);

/**
 * What mutations announce to subscribers. Events carry ids, never objects: each subscriber's
 * payload is resolved from the database with that subscriber's own viewer.
 */
export const realtimeEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('postCreated'), postId: numericId, authorId: numericId }),
  z.object({ type: z.literal('commentAdded'), commentId: numericId, postId: numericId }),
]);

export type RealtimeEvent = z.infer<typeof realtimeEventSchema>;
export type RealtimeEventType = RealtimeEvent['type'];
export type EventOf<T extends RealtimeEventType> = Extract<RealtimeEvent, { type: T }>;

/** Publishing side of the pub/sub, as domain services see it. */
export interface EventPublisher {
  /** Never throws: a lost event must not fail the mutation that already committed. */
  publish(event: RealtimeEvent): Promise<void>;
}
