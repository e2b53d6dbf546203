import { z } from 'zod';

/**
 * What mutations announce to subscribers, by event type. Empty here: each domain adds the
 * events it publishes (declaration merging, next to its event definitions). Events carry ids,
 * never objects: each subscriber's payload is read from the database for that subscriber.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the domains
export interface RealtimeEvents {}

export type RealtimeEventType = keyof RealtimeEvents & string;
export type EventOf<T extends RealtimeEventType> = { type: T } & RealtimeEvents[T];
export type RealtimeEvent = { [T in RealtimeEventType]: EventOf<T> }[RealtimeEventType];

/** Publishing side of the pub/sub, as domain services see it. */
export interface EventPublisher {
  /** Never throws: a lost event must not fail the mutation that already committed. */
  publish(event: RealtimeEvent): Promise<void>;
}

/** A database id as events carry it (text: JSON numbers stop being exact at 2^53). */
export const eventId = z.string().regex(/^[1-9][0-9]{0,18}$/);
