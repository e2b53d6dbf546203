import type { Redis, RedisOptions } from 'ioredis';

/**
 * The wire protocol of Shutter's Redis connections: RESP2, which ioredis 6 no longer defaults
 * to (RESP3). graphql-redis-subscriptions and rate-limiter-flexible were written and tested
 * against RESP2 replies and messages. (ioredis 6 is needed for its handling of a failed
 * re-subscription after a reconnect, which ioredis 5 left as an unhandled rejection: one that
 * would end the process.)
 */
export const REDIS_PROTOCOL = { protocol: 2 } as const satisfies RedisOptions;
import type { Logger } from 'pino';

/**
 * One log line when a Redis connection goes away and one when it is back, not one per retry.
 * `whileDown` says what the outage means for this connection's users.
 */
export function reportRedisOutages(
  client: Redis,
  log: Logger,
  fields: Record<string, unknown>,
  messages: { whileDown: string; back: string },
): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) log.error({ err, ...fields }, `redis unavailable: ${messages.whileDown}`);
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info(fields, `redis reachable again: ${messages.back}`);
    down = false;
  });
}
