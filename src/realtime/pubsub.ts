import { PubSub as InProcessEngine, type PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from 'pino';
import type { Config } from '../config';
import {
  realtimeEventSchema,
  type EventOf,
  type EventPublisher,
  type RealtimeEventType,
} from '../core/events';
import { createRedisEngine } from './redis';

type Listener<T extends RealtimeEventType> = (event: EventOf<T>) => void;

/**
 * The one small pub/sub interface between instances: mutations publish event ids, and each
 * instance's realtime hub listens. In-process by default; Redis when REDIS_URL is set, so a post
 * created on instance A reaches subscribers connected to instance B.
 */
export interface PubSub extends EventPublisher {
  /** Resolves once the listener is in place (for Redis: once SUBSCRIBE is acknowledged). */
  subscribe<T extends RealtimeEventType>(type: T, listener: Listener<T>): Promise<() => void>;
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
      const id = await engine.subscribe(
        channelOf(type),
        (message: unknown) => {
          // Whatever arrives on a Redis channel is untrusted input: accept only well-formed events.
          const parsed = realtimeEventSchema.safeParse(message);
          if (!parsed.success || parsed.data.type !== type)
            return log.warn({ type }, 'malformed realtime event dropped');
          listener(parsed.data as EventOf<typeof type>);
        },
        {},
      );
      return () => engine.unsubscribe(id);
    },
    close: closeEngine,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
