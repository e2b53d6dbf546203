import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { AppContext, AppServices } from '../core/context';
import { visibilityFor } from '../core/visibility';
import { createContext, createRequestLoaders } from './context';
import { isDatabaseUnavailable } from '../db/errors';
import { serviceUnavailable } from '../core/errors';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Honours a sane incoming X-Request-Id (from a proxy) so logs correlate; else a new one. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

// On the context itself (Apollo hands resolvers a shallow copy, which keeps symbol keys).
const PENDING_TOKEN = Symbol('pendingToken');
type PendingContext = AppContext & { [PENDING_TOKEN]?: unknown };

/**
 * Builds the context of one HTTP operation: anonymous until `authenticateRequest` has checked
 * its Authorization value, which the operation guard does once the document has passed every
 * limit, so that a refused operation costs no database work at all.
 */
export function contextFor(
  services: AppServices,
  request: { authorization: unknown; requestId: string; clientAddress: string },
): AppContext {
  const log = services.log.child({ requestId: request.requestId });
  const ctx: PendingContext = createContext(services, { ...request, viewer: null, log });
  ctx[PENDING_TOKEN] = request.authorization;
  return ctx;
}

/**
 * Turns the request's token into its viewer. No token: anonymous. A token that is malformed,
 * unknown, expired or revoked fails the whole request with UNAUTHENTICATED (HTTP 401) rather
 * than silently downgrading to anonymous, so a client learns at once that it must log in again.
 */
export async function authenticateRequest(ctx: PendingContext): Promise<void> {
  const authorization = ctx[PENDING_TOKEN];
  delete ctx[PENDING_TOKEN];
  const viewer = await viewerOr503(ctx, authorization);
  if (viewer === 'anonymous') return;
  if (viewer === 'refused') {
    throw new GraphQLError('Invalid or expired token.', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  ctx.viewer = viewer;
  ctx.visible = visibilityFor(ctx.policy, viewer.id);
  ctx.loaders = createRequestLoaders(ctx.prisma, viewer.id, ctx.policy, ctx.visible);
}

/** A database outage while checking the token is the server's problem: HTTP 503, not 500. */
async function viewerOr503(ctx: AppContext, authorization: unknown) {
  try {
    return await ctx.sessions.viewerOf(authorization);
  } catch (error) {
    throw isDatabaseUnavailable(error) ? serviceUnavailable(error) : error;
  }
}
