import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The proof carried by a local upload URL: an HMAC over everything the upload may be (key,
 * type, exact size, expiry), so a client can neither reuse it for other bytes nor stretch it.
 */
export interface SignedUpload {
  key: string;
  contentType: string;
  byteSize: number;
  /** Unix seconds */
  expires: number;
}

const payloadOf = (u: SignedUpload): string => `${u.key}\n${u.contentType}\n${u.byteSize}\n${u.expires}`;

export function signUpload(secret: string, upload: SignedUpload): string {
  return createHmac('sha256', secret).update(payloadOf(upload)).digest('base64url');
}

export function verifyUpload(secret: string, upload: SignedUpload, signature: string): boolean {
  const expected = Buffer.from(signUpload(secret, upload));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
