import { withFilter } from 'graphql-subscriptions';
import type { AppContext } from '../core/context';
import { asSubscriptionContext } from './context';
import type { EventEnvelope } from './event-scope';

/**
 * A subscriber's iterator over one trigger, keeping the envelopes `admits` accepts. Every
 * event also re-checks the subscriber's session: once it is revoked or expired, its connection
 * is ended (see SubscriptionContext.sessionEnded) and nothing more is delivered. The checks of
 * all the subscribers of an event run concurrently and batch into one statement each through
 * the event's loaders.
 */
export function filtered<T>(
  ctx: AppContext,
  trigger: string,
  admits: (envelope: EventEnvelope<T>) => Promise<boolean>,
): Promise<AsyncIterable<EventEnvelope<T>>> {
  const subscriber = asSubscriptionContext(ctx);
  const filter = async (envelope?: EventEnvelope<T>) => {
    if (!envelope) return false;
    try {
      const [live, admitted] = await Promise.all([
        envelope.scope.sessionIsLive(subscriber.viewer),
        admits(envelope),
      ]);
      if (!live) subscriber.sessionEnded();
      return live && admitted;
    } catch (err) {
      subscriber.log.error({ err, trigger }, 'realtime filter failed: event not delivered');
      return false;
    }
  };
  return Promise.resolve(withFilter(() => subscriber.realtime.listen<T>(trigger), filter)());
}
