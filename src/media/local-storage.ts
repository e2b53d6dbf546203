import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { signUpload, verifyUpload, type SignedUpload } from './signing';
import { KEY_PATTERN, type MediaStorage, type StorageArea, type StoredKey, type UploadSpec } from './storage';

/** Bytes of an upload gathered before one write to disk. */
const WRITE_BLOCK = 1024 * 1024;

/** Why a local upload was refused, as the HTTP status the client gets. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Files under `dir`: `uploads/<key>` and `media/<key>/<name>`. Upload targets are Shutter's
 * own `PUT /uploads/<key>` (see server/media-routes.ts), signed with `secret`.
 */
export class LocalMediaStorage implements MediaStorage {
  constructor(
    readonly dir: string,
    private readonly secret: string,
    /** Shutter's address as clients reach it, and where /media is served from */
    private readonly urls: { origin: () => string; mediaBase: () => string },
  ) {}

  get mediaDir(): string {
    return path.join(this.dir, 'media');
  }

  async uploadTarget(upload: UploadSpec) {
    const expires = Math.floor(upload.expiresAt.getTime() / 1000);
    const sig = signUpload(this.secret, { ...upload, expires });
    const query = new URLSearchParams({
      type: upload.contentType,
      size: String(upload.byteSize),
      expires: String(expires),
      sig,
    });
    return {
      url: `${this.urls.origin()}/uploads/${upload.key}?${query.toString()}`,
      method: 'PUT',
      headers: { 'Content-Type': upload.contentType, 'Content-Length': String(upload.byteSize) },
    };
  }

  /**
   * Streams a signed upload's body to disk, counting bytes as they come: more than the signed
   * size stops the transfer at once. The bytes land under a temporary name and are renamed
   * into place only when complete, so a refused or cut transfer stores nothing.
   */
  async receive(signed: SignedUpload, signature: string, contentType: string | undefined, body: Readable) {
    if (!KEY_PATTERN.test(signed.key) || !verifyUpload(this.secret, signed, signature)) {
      throw new UploadRefused(403, 'Invalid upload signature.');
    }
    if (signed.expires * 1000 < Date.now()) throw new UploadRefused(403, 'This upload URL has expired.');
    if (contentType !== signed.contentType) {
      throw new UploadRefused(415, `Content-Type must be ${signed.contentType}.`);
    }
    await fs.mkdir(path.join(this.dir, 'uploads'), { recursive: true });
    const final = this.uploadPath(signed.key);
    const partial = `${final}.${randomBytes(6).toString('hex')}.partial`;
    let received = 0;
    try {
      const file = await fs.open(partial, 'wx');
      try {
        // Socket reads arrive in pieces of 16-64 KiB; written one by one, each costs a trip to
        // libuv's pool (shared with sharp) and main-thread dispatch. Gathered into one writev per
        // WRITE_BLOCK they cost a few calls per picture, and memory stays bounded per upload.
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        for await (const chunk of body as AsyncIterable<Buffer>) {
          received += chunk.length;
          if (received > signed.byteSize) {
            throw new UploadRefused(413, `The body is larger than the declared ${signed.byteSize} bytes.`);
          }
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= WRITE_BLOCK) {
            await file.writev(pending);
            pending = [];
            pendingBytes = 0;
          }
        }
        if (pendingBytes > 0) await file.writev(pending);
      } finally {
        await file.close();
      }
      if (received !== signed.byteSize) {
        throw new UploadRefused(400, `Received ${received} of the declared ${signed.byteSize} bytes.`);
      }
      await fs.rename(partial, final);
    } catch (error) {
      await fs.rm(partial, { force: true });
      throw error;
    }
  }

  async readUpload({ key, byteSize }: { key: string; byteSize: number }): Promise<Buffer | null> {
    const bytes = await fs.readFile(this.uploadPath(key)).catch(ifMissing(null));
    return bytes && bytes.length === byteSize ? bytes : null;
  }

  async writeRendition(key: string, name: string, bytes: Buffer): Promise<void> {
    const dir = path.join(this.mediaDir, key);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, name), bytes);
  }

  async deleteRenditions(key: string): Promise<void> {
    if (!KEY_PATTERN.test(key)) throw new Error(`not a media key: ${key}`);
    await fs.rm(path.join(this.mediaDir, key), { recursive: true, force: true });
  }

  async deleteUpload(key: string): Promise<void> {
    await fs.rm(this.uploadPath(key), { force: true });
  }

  /** Partial uploads (`<key>.<random>.partial`) count under their key. */
  async *listKeys(area: StorageArea): AsyncIterable<StoredKey> {
    const names = await fs.readdir(path.join(this.dir, area)).catch(ifMissing([] as string[]));
    for (const name of names) {
      const key = name.slice(0, 32);
      if (!KEY_PATTERN.test(key)) continue;
      const stat = await fs.stat(path.join(this.dir, area, name)).catch(ifMissing(null));
      if (stat) yield { key, lastModified: stat.mtime };
    }
  }

  renditionUrl(key: string, name: string): string {
    return `${this.urls.mediaBase()}/${key}/${name}`;
  }

  private uploadPath(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`not a media key: ${key}`);
    return path.join(this.dir, 'uploads', key);
  }
}

const ifMissing =
  <T>(value: T) =>
  (error: NodeJS.ErrnoException): T => {
    if (error.code === 'ENOENT') return value;
    throw error;
  };
