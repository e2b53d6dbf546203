import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** What an outage of one connection means to its users: the two lines it logs. */
export interface OutageReport {
  fields?: Record<string, unknown>;
  whileDown: string;
  back: string;
}

/**
 * A Redis connection of Shutter's, with `options` for its use. It speaks RESP2, which ioredis 6
 * no longer defaults to: graphql-redis-subscriptions and rate-limiter-flexible were written
 * against RESP2 replies and messages. An outage logs one line when the connection goes away and
 * one when it is back, not one per retry.
 */
export function openRedis(url: string, options: RedisOptions, log: Logger, outage: OutageReport): Redis {
  const client = new Redis(url, { ...options, protocol: 2 });
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) log.error({ err, ...outage.fields }, `redis unavailable: ${outage.whileDown}`);
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info(outage.fields ?? {}, `redis reachable again: ${outage.back}`);
    down = false;
  });
  return client;
}
