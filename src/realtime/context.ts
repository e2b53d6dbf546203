import type { AppContext } from '../core/context';
import type { RealtimeHub } from './hub';

/** The context of a subscription: a request context plus what only subscriptions have. */
export interface SubscriptionContext extends AppContext {
  realtime: RealtimeHub;
  /**
   * The subscriber's session was revoked or expired: ends its connection the way its transport
   * says so (a WebSocket closes with 4403; an event stream sends UNAUTHENTICATED and completes).
   */
  sessionEnded(): void;
}

/** Subscriptions run over the subscription transports only, whose context factory adds the hub. */
export function asSubscriptionContext(ctx: AppContext): SubscriptionContext {
  if (!('realtime' in ctx)) throw new Error('subscriptions are served over WebSocket and event streams only');
  return ctx as SubscriptionContext;
}
