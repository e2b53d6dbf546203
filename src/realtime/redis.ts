import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { REDIS_PROTOCOL, reportRedisOutages } from '../core/redis-outages';

/**
 * Redis pub/sub through graphql-redis-subscriptions, on two ioredis connections tuned for an
 * outage: the server keeps serving queries and mutations, logs that Redis is down, and
 * resumes delivery when it is back (ioredis reconnects forever and re-subscribes by itself).
 */
export function createRedisEngine(url: string, log: Logger) {
  // A mutation awaits its publish: while Redis is down the command fails at the next failed
  // reconnection attempt instead of waiting in the offline queue.
  const publisher = new Redis(url, { ...REDIS_PROTOCOL, maxRetriesPerRequest: 0 });
  // SUBSCRIBE must survive an outage (even one at start-up): it waits for the connection.
  const subscriber = new Redis(url, { ...REDIS_PROTOCOL, maxRetriesPerRequest: null, autoResubscribe: true });
  for (const [client, role] of [
    [publisher, 'publisher'],
    [subscriber, 'subscriber'],
  ] as const) {
    reportRedisOutages(
      client,
      log,
      { role },
      {
        whileDown: 'realtime events are not shared until it is back',
        back: 'realtime events resume',
      },
    );
  }
  return {
    // graphql-redis-subscriptions types its clients with the ioredis 5 it was built against;
    // it only calls publish, (p)subscribe, (p)unsubscribe and on('(p)message') on them.
    engine: new RedisPubSub({ publisher: publisher as never, subscriber: subscriber as never }),
    async close() {
      // disconnect, not quit: quit would wait forever for a Redis that is down.
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
