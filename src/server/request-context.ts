import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { authenticate } from '../auth/sessions';
import { bearerToken } from '../auth/tokens';
import { createContext, type AppContext, type AppServices } from '../context';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Honours a sane incoming X-Request-Id (from a proxy) so logs correlate; else a new one. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Builds the context of one operation from its Authorization value. No token: anonymous. A
 * token that is malformed, unknown, expired or revoked fails the whole request with
 * UNAUTHENTICATED (HTTP 401) rather than silently downgrading to anonymous, so a client
 * learns at once that it must log in again.
 */
export async function contextFor(
  services: AppServices,
  authorization: unknown,
  requestId: string,
): Promise<AppContext> {
  const log = services.log.child({ requestId });
  const token = bearerToken(authorization);
  let viewer = null;
  if (token !== null) {
    viewer = token === 'malformed' ? null : await authenticate(services.prisma, token);
    if (!viewer) {
      throw new GraphQLError('Invalid or expired token.', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    }
  }
  return createContext(services, { requestId, viewer, log });
}
