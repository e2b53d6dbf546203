import type { PrismaClient } from '../generated/prisma/client';
import type { Viewer } from '../core/context';
import { hashToken, newSessionToken, parseAuthorization } from './tokens';

type Db = Pick<PrismaClient, 'session'>;

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

/**
 * The one token check of HTTP and WebSocket alike: who an `Authorization` value authenticates.
 * 'anonymous' when there is none; 'refused' when it is malformed, unknown, expired or revoked
 * (the client must log in again, never silently become anonymous). A database failure
 * propagates: each transport answers it its own way.
 */
export async function viewerOf(
  prisma: PrismaClient,
  header: unknown,
): Promise<Viewer | 'anonymous' | 'refused'> {
  const authorization = parseAuthorization(header);
  if (authorization.kind === 'none') return 'anonymous';
  if (authorization.kind === 'malformed') return 'refused';
  return (await authenticate(prisma, authorization.token)) ?? 'refused';
}

/** The viewer a token belongs to, or null when it is unknown, expired or revoked. */
export async function authenticate(prisma: PrismaClient, token: string): Promise<Viewer | null> {
  const session = await prisma.session.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true, expiresAt: true },
  });
  if (!session || session.expiresAt.getTime() <= Date.now()) return null;
  return { id: session.userId, sessionId: session.id };
}

/** Revokes one session; true when it existed. */
export async function revokeSession(prisma: PrismaClient, sessionId: bigint): Promise<boolean> {
  const { count } = await prisma.session.deleteMany({ where: { id: sessionId } });
  return count > 0;
}
