import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger } from 'pino';
import { openRedis } from '../core/redis';

/**
 * Redis pub/sub through graphql-redis-subscriptions, on two ioredis connections tuned for an
 * outage: the server keeps serving queries and mutations, logs that Redis is down, and
 * resumes delivery when it is back (ioredis reconnects forever and re-subscribes by itself).
 */
export function createRedisEngine(url: string, log: Logger) {
  const outage = (role: string) => ({
    fields: { role },
    whileDown: 'realtime events are not shared until it is back',
    back: 'realtime events resume',
  });
  // A mutation awaits its publish: while Redis is down the command fails at the next failed
  // reconnection attempt instead of waiting in the offline queue.
  const publisher = openRedis(url, { maxRetriesPerRequest: 0 }, log, outage('publisher'));
  // SUBSCRIBE must survive an outage (even one at start-up): it waits for the connection.
  const subscriber = openRedis(
    url,
    { maxRetriesPerRequest: null, autoResubscribe: true },
    log,
    outage('subscriber'),
  );
  // graphql-redis-subscriptions sends (P)UNSUBSCRIBE without handling the reply. The hub
  // unsubscribes only as it closes, and when the subscriber is reconnecting then (Redis down or
  // just back) disconnect() rejects the queued commands ("Connection is closed."): unhandled,
  // that ends the process. Nothing is left to undo when an unsubscribe fails.
  for (const command of ['unsubscribe', 'punsubscribe'] as const) {
    const send = subscriber[command].bind(subscriber) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(subscriber, {
      [command]: (...args: unknown[]) => {
        const sent = send(...args);
        sent.catch(() => undefined);
        return sent;
      },
    });
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
