import type { AppContext } from '../core/context';
import type { RealtimeHub } from './hub';

/** The context of a graphql-ws operation: a request context plus what only sockets have. */
export interface SubscriptionContext extends AppContext {
  realtime: RealtimeHub;
  /** Closes this subscriber's socket, e.g. with 4403 once its session has ended. */
  closeSocket(code: number, reason: string): void;
}

/** Subscriptions run over graphql-ws only, whose context factory adds the hub. */
export function asSubscriptionContext(ctx: AppContext): SubscriptionContext {
  if (!('realtime' in ctx)) throw new Error('subscriptions are served over WebSocket only');
  return ctx as SubscriptionContext;
}
