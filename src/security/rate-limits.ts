import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Config, RateLimit } from '../config';
import type { LimitedActions, RateLimits } from '../core/services';
import { rateLimited } from '../core/errors';
import { openRedis } from '../core/redis';

type Limiter = RateLimiterAbstract | null;

/**
 * Limiter state lives in memory, or in Redis when REDIS_URL is set so that every instance
 * counts against the same budget. Should Redis be unreachable, each instance falls back to its
 * own in-memory count (rate-limiter-flexible's insurance limiter) rather than failing requests.
 */
export async function createRateLimits(
  config: Config,
  log: Logger,
  limited: LimitedActions,
): Promise<RateLimits> {
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, log) : null;
  const limiter = (name: string, limit: RateLimit | null): Limiter => {
    if (!limit) return null;
    const options = {
      points: limit.points,
      duration: limit.seconds,
      keyPrefix: `${config.RATE_LIMIT_KEY_PREFIX}:${name}`,
    };
    if (!redis) return new RateLimiterMemory(options);
    return new RateLimiterRedis({
      ...options,
      storeClient: redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  };

  const actions = new Map(
    Object.entries(limited).map(([action, { setting }]) => [action, limiter(action, config[setting])]),
  );
  const byAddress = limiter('login-address', config.RATE_LIMIT_LOGIN_ADDRESS);
  const byAccount = limiter('login-account', config.RATE_LIMIT_LOGIN_ACCOUNT);

  return {
    consume: (action, key) => spend(actions.get(action) ?? null, key),
    async beginLogin(clientAddress) {
      await spend(byAddress, clientAddress);
      let account: string | null = null;
      return {
        async forAccount(key) {
          await spend(byAccount, key);
          account = key;
        },
        async succeeded() {
          await byAddress?.reward(clientAddress, 1);
          if (account !== null) await byAccount?.delete(account);
        },
      };
    },
    async close() {
      redis?.disconnect();
    },
  };
}

async function spend(limiter: Limiter, key: string): Promise<void> {
  if (!limiter) return;
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      throw rateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
    throw rejection;
  }
}

/**
 * A connection of its own, tuned to never hold a request up: no offline queue and a short
 * command timeout, so an outage switches to the in-memory fallback at once.
 */
async function connectRedis(url: string, log: Logger): Promise<Redis> {
  const redis = openRedis(
    url,
    { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 1_000 },
    log,
    {
      whileDown: 'rate limits are counted per instance until it is back',
      back: 'rate limits are shared again',
    },
  );
  // Start counting in Redis from the first request when it is there; never block start-up.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}
