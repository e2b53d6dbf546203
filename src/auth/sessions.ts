import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import type { SessionCheck, Viewer } from '../core/context';
import { eventId } from '../core/events';
import type { PubSub } from '../realtime/pubsub';
import { hashToken, newSessionToken, parseAuthorization } from './tokens';

type Db = Pick<PrismaClient, 'session'>;

declare module '../core/events' {
  interface RealtimeEvents {
    /** some or all sessions of a user were revoked: every instance forgets its checks of them */
    sessionsRevoked: { userId: string };
  }
}
const sessionsRevoked = z.object({ userId: eventId });

/** Opens a session and returns its bearer token; only the token's hash is stored. */
export async function openSession(db: Db, userId: bigint, ttlDays: number): Promise<string> {
  const token = newSessionToken();
  await db.session.create({
    data: {
      userId,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + ttlDays * 86_400_000),
    },
  });
  return token;
}

interface CheckedSession {
  userId: bigint;
  sessionId: bigint;
  expiresAt: number;
}

/**
 * The one token check of HTTP and WebSocket alike, with the sessions it found kept for
 * `ttlMs` so that most requests spend no statement on their token (it was one of the feed's
 * two statements).
 *
 * A revocation still takes effect at once: `revoked` forgets the user's sessions here before
 * the revoking mutation answers, and tells every other instance through the pub/sub, which
 * forget them on arrival (ahead of any request the client sends after its logOut returns). A
 * check that was reading the database while a revocation happened is not kept, so it cannot
 * put a revoked session back. Only if the pub/sub loses the message (Redis unreachable) may
 * another instance accept a revoked token, for at most `ttlMs`; an expired session is never
 * accepted, cached or not. Unknown tokens are not kept, so guessing cannot fill the cache.
 */
export function createSessionCheck(
  prisma: PrismaClient,
  pubsub: Pick<PubSub, 'publish' | 'subscribe'>,
  options: { ttlMs: number; max?: number },
): SessionCheck & { ready: Promise<unknown> } {
  const cache =
    options.ttlMs > 0
      ? new LRUCache<string, CheckedSession>({ max: options.max ?? 10_000, ttl: options.ttlMs })
      : null;
  // Bumped by every revocation: a check that saw it change while reading is not kept.
  let revocations = 0;
  const forget = (userId: bigint) => {
    revocations++;
    if (!cache) return;
    for (const [key, session] of cache.entries()) if (session.userId === userId) cache.delete(key);
  };
  const ready = pubsub.subscribe('sessionsRevoked', (message) => {
    const parsed = sessionsRevoked.safeParse(message);
    if (parsed.success) forget(BigInt(parsed.data.userId));
  });

  async function check(token: string): Promise<CheckedSession | null> {
    const tokenHash = hashToken(token);
    const key = cache ? Buffer.from(tokenHash).toString('base64') : '';
    let session = cache?.get(key);
    if (!session) {
      const before = revocations;
      const row = await prisma.session.findUnique({
        where: { tokenHash },
        select: { id: true, userId: true, expiresAt: true },
      });
      if (!row) return null;
      session = { userId: row.userId, sessionId: row.id, expiresAt: row.expiresAt.getTime() };
      if (cache && before === revocations) cache.set(key, session);
    }
    return session.expiresAt > Date.now() ? session : null;
  }

  return {
    ready,
    async viewerOf(header: unknown): Promise<Viewer | 'anonymous' | 'refused'> {
      const authorization = parseAuthorization(header);
      if (authorization.kind === 'none') return 'anonymous';
      if (authorization.kind === 'malformed') return 'refused';
      const session = await check(authorization.token);
      return session ? { id: session.userId, sessionId: session.sessionId } : 'refused';
    },
    async revoked(userId: bigint): Promise<void> {
      forget(userId);
      await pubsub.publish({ type: 'sessionsRevoked', userId: String(userId) });
    },
  };
}

/** Revokes one session; true when it existed. */
export async function revokeSession(prisma: PrismaClient, sessionId: bigint): Promise<boolean> {
  const { count } = await prisma.session.deleteMany({ where: { id: sessionId } });
  return count > 0;
}
