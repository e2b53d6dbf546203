import type { Redis } from 'ioredis';
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
