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

/** A kept check is read again in the background once this share of its lifetime is left. */
const REFRESH_AHEAD = 0.2;

/**
 * The one token check of HTTP and WebSocket alike, with the sessions it found kept for
 * `ttlMs` so that most requests spend no statement on their token (it was one of the feed's
 * two statements). A kept check in the last fifth of its lifetime is read again in the
 * background while the request goes on with it: a client that keeps sending requests never
 * waits for its token's statement, which under load queued twice for a pooled connection and
 * made the slowest percent of feed requests (bench: p99 about 2x p50).
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

  /** The session from the database, kept unless a revocation happened while reading it. */
  async function read(tokenHash: Uint8Array<ArrayBuffer>, key: string): Promise<CheckedSession | null> {
    const before = revocations;
    const row = await prisma.session.findUnique({
      where: { tokenHash },
      select: { id: true, userId: true, expiresAt: true },
    });
    if (!row) {
      cache?.delete(key);
      return null;
    }
    const session = { userId: row.userId, sessionId: row.id, expiresAt: row.expiresAt.getTime() };
    if (cache && before === revocations) cache.set(key, session);
    return session;
  }

  const refreshing = new Set<string>();
  function refreshAhead(tokenHash: Uint8Array<ArrayBuffer>, key: string): void {
    if (!cache || refreshing.has(key)) return;
    if (cache.getRemainingTTL(key) > options.ttlMs * REFRESH_AHEAD) return;
    refreshing.add(key);
    // A failed read leaves the kept check to its lifetime; the next read after it reports.
    void read(tokenHash, key)
      .catch(() => undefined)
      .finally(() => refreshing.delete(key));
  }

  async function check(token: string): Promise<CheckedSession | null> {
    const tokenHash = hashToken(token);
    const key = cache ? Buffer.from(tokenHash).toString('base64') : '';
    let session = cache?.get(key);
    if (session) refreshAhead(tokenHash, key);
    else session = (await read(tokenHash, key)) ?? undefined;
    return session && session.expiresAt > Date.now() ? session : null;
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
