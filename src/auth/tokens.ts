import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: the opaque bearer token handed to the client once. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this digest is stored. A fast hash is right here: the token has 256 bits of entropy. */
export function hashToken(token: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(token).digest());
}

/** What an `Authorization` value holds: nothing, a well-formed bearer token, or anything else. */
export type Authorization = { kind: 'none' } | { kind: 'malformed' } | { kind: 'bearer'; token: string };

export function parseAuthorization(header: unknown): Authorization {
  if (header === undefined || header === null || header === '') return { kind: 'none' };
  if (typeof header !== 'string') return { kind: 'malformed' };
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(header);
  return match ? { kind: 'bearer', token: match[1]! } : { kind: 'malformed' };
}
