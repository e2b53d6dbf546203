import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Redis pub/sub through graphql-redis-subscriptions, on two ioredis connections tuned for an
 * outage: the server keeps serving queries and mutations, logs that Redis is down, and
 * resumes delivery when it is back (ioredis reconnects forever and re-subscribes by itself).
 */
export function createRedisEngine(url: string, log: Logger) {
  // A mutation awaits its publish: while Redis is down the command fails at the next failed
  // reconnection attempt instead of waiting in the offline queue.
  const publisher = new Redis(url, { maxRetriesPerRequest: 0 });
  // SUBSCRIBE must survive an outage (even one at start-up): it waits for the connection.
  const subscriber = new Redis(url, { maxRetriesPerRequest: null, autoResubscribe: true });
  reportOutages(publisher, 'publisher', log);
  reportOutages(subscriber, 'subscriber', log);
  return {
    engine: new RedisPubSub({ publisher, subscriber }),
    async close() {
      // disconnect, not quit: quit would wait forever for a Redis that is down.
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

/** One log line when Redis goes away and one when it is back, not one per retry. */
function reportOutages(client: Redis, role: string, log: Logger): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) log.error({ err, role }, 'redis unavailable: realtime events are not shared until it is back');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ role }, 'redis reachable again: realtime events resume');
    down = false;
  });
}
