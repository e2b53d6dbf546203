import type { AppContext, Viewer } from './context';
import { unauthenticated } from './errors';

/** The authorization gate every service uses for operations that need a viewer. */
export function requireViewer(ctx: Pick<AppContext, 'viewer'>): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

/** Whether a user is the requester: the token's owner, or the account this request signed in. */
export function isViewer(ctx: Pick<AppContext, 'viewer' | 'signedIn'>, userId: bigint): boolean {
  return ctx.viewer?.id === userId || ctx.signedIn === userId;
}
