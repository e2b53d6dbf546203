import { EventEmitter } from 'node:events';
import { PubSub as LocalFanOut } from 'graphql-subscriptions';
import type { AppServices } from '../core/context';
import type { Loaders } from '../core/context';
import type { RealtimeEventType } from '../core/events';
import type { EventDefinition, EventDefinitions, LoaderFactory } from '../core/module';
import { EventEnvelope, EventScope } from './event-scope';
import type { PubSub } from './pubsub';

/**
 * The fan-out coordinator of one server instance. It listens to the pub/sub once per event
 * type (whatever the number of subscribers), and for each event that someone here listens to,
 * loads the payload once in a fresh EventScope and hands the same envelope to every
 * subscriber's iterator. Each iterator then filters (batched through the scope's loaders) and
 * graphql-ws executes the subscriber's document with the scope's loaders for that viewer.
 */
export interface RealtimeHub {
  /** Resolves once this instance receives events (for Redis: its channels are subscribed). */
  readonly ready: Promise<void>;
  /** The envelopes of one local trigger, for one subscriber, starting now. */
  listen<T>(trigger: string): AsyncIterableIterator<EventEnvelope<T>>;
  /** Iterators currently registered on this instance. */
  subscriberCount(): number;
  /** Called after each change of subscriberCount (tests and benchmarks wait on it). */
  onSubscriberCountChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export function createRealtimeHub(
  pubsub: PubSub,
  services: Pick<AppServices, 'prisma' | 'log' | 'policy'>,
  loaderFactory: LoaderFactory,
  events: EventDefinitions,
): RealtimeHub {
  const triggers = new EventEmitter().setMaxListeners(0);
  const local = new LocalFanOut({ eventEmitter: triggers });
  const changes = new EventEmitter().setMaxListeners(0);
  const isTrigger = (name: string | symbol) => name !== 'newListener' && name !== 'removeListener';
  // 'newListener' fires before the listener is added: report the change once it is.
  triggers.on('newListener', (name) => isTrigger(name) && queueMicrotask(() => changes.emit('change')));
  triggers.on('removeListener', (name) => isTrigger(name) && changes.emit('change'));

  async function fanOut(trigger: string, load: (loaders: Loaders) => Promise<object | null>): Promise<void> {
    if (triggers.listenerCount(trigger) === 0) return; // nobody here: not even the payload is read
    const scope = new EventScope(services.prisma, loaderFactory, services.policy);
    const payload = await load(scope.shared);
    if (payload !== null) await local.publish(trigger, new EventEnvelope(scope, payload));
  }
  const deliver = (trigger: string, load: (loaders: Loaders) => Promise<object | null>) =>
    void fanOut(trigger, load).catch((err: unknown) =>
      services.log.error({ err, trigger }, 'realtime delivery failed'),
    );

  const unsubscribes = Promise.all(
    Object.entries(events).map(([type, definition]) =>
      pubsub.subscribe(type as RealtimeEventType, (message) => {
        const { schema, trigger, load } = definition as EventDefinition;
        const parsed = schema.safeParse(message);
        // Whatever arrives on a Redis channel is untrusted input: only well-formed events pass.
        if (!parsed.success) return services.log.warn({ type }, 'malformed realtime event dropped');
        const event = { ...parsed.data, type } as never;
        deliver(trigger(event), (loaders) => load(loaders, event));
      }),
    ),
  );
  // Not awaited in close(): with Redis down at start-up, SUBSCRIBE waits for its return.
  let stopListening: (() => void)[] = [];
  unsubscribes.then(
    (fns) => (stopListening = fns),
    (err: unknown) => services.log.error({ err }, 'realtime: cannot listen to the pub/sub'),
  );

  return {
    ready: unsubscribes.then(() => undefined),
    listen: <T>(trigger: string) => local.asyncIterableIterator<EventEnvelope<T>>(trigger),
    subscriberCount: () =>
      triggers
        .eventNames()
        .filter(isTrigger)
        .reduce((sum, name) => sum + triggers.listenerCount(name), 0),
    onSubscriberCountChange(listener) {
      changes.on('change', listener);
      return () => changes.off('change', listener);
    },
    async close() {
      for (const unsubscribe of stopListening) unsubscribe();
      triggers.removeAllListeners();
    },
  };
}
