import { PubSub as InProcessEngine, type PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { EventPublisher, RealtimeEventType } from '../core/events';
import { createRedisEngine } from './redis';
import { withTimeout } from '../core/timeout';

/**
 * The one small pub/sub interface between instances: mutations publish event ids, and each
 * instance's realtime hub listens. In-process by default; Redis when REDIS_URL is set, so a post
 * created on instance A reaches subscribers connected to instance B.
 */
export interface PubSub extends EventPublisher {
  /**
   * Resolves once the listener is in place (for Redis: once SUBSCRIBE is acknowledged). The
   * listener gets each message as it arrived: the hub checks it against the event's schema.
   */
  subscribe(type: RealtimeEventType, listener: (message: unknown) => void): Promise<() => void>;
  close(): Promise<void>;
}

/** Namespaced, so Shutter can share a Redis with other applications. */
const channelOf = (type: RealtimeEventType) => `shutter.realtime.${type}`;

/** A publish that takes longer than this is abandoned: the mutation has committed and must answer. */
const PUBLISH_TIMEOUT_MS = 1_000;

export function createPubSub(config: Pick<Config, 'REDIS_URL'>, log: Logger): PubSub {
  if (!config.REDIS_URL) return overEngine(new InProcessEngine(), log, async () => {});
  const redis = createRedisEngine(config.REDIS_URL, log);
  return overEngine(redis.engine, log, redis.close);
}

function overEngine(engine: PubSubEngine, log: Logger, closeEngine: () => Promise<void>): PubSub {
  return {
    async publish(event) {
      try {
        await withTimeout(engine.publish(channelOf(event.type), event), PUBLISH_TIMEOUT_MS);
      } catch (err) {
        // Logged, never thrown: a lost notification must not fail a write that has committed.
        log.error({ err, event }, 'realtime event not published');
      }
    },
    async subscribe(type, listener) {
      const id = await engine.subscribe(channelOf(type), listener, {});
      return () => engine.unsubscribe(id);
    },
    close: closeEngine,
  };
}
