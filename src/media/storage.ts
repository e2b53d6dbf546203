/**
 * Where uploaded bytes and renditions live. Two areas: `uploads/<key>` holds what a client sent
 * (never served), `media/<key>/<name>` the renditions made from it (served publicly, immutable).
 * Keys are random: one names an upload, another each processing of it, so two requests using
 * the same upload at once never write to the same place.
 */
export interface MediaStorage {
  /** How a client sends an upload's bytes: a signed URL that expires at `expiresAt`. */
  uploadTarget(upload: UploadSpec): Promise<{ url: string; method: string; headers: Record<string, string> }>;
  /** The bytes a client sent for `key`, or null when none arrived (or not all of them). */
  readUpload(upload: Pick<UploadSpec, 'key' | 'byteSize'>): Promise<Buffer | null>;
  writeRendition(key: string, name: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Removing what is not there is not an error (several instances may sweep the same key). */
  deleteRenditions(key: string): Promise<void>;
  deleteUpload(key: string): Promise<void>;
  /** Every key with something stored in `area`, with when it was written, for the orphan scan. */
  listKeys(area: StorageArea): AsyncIterable<StoredKey>;
  renditionUrl(key: string, name: string): string;
}

export interface UploadSpec {
  key: string;
  contentType: string;
  byteSize: number;
  expiresAt: Date;
}

export type StorageArea = 'uploads' | 'media';

export interface StoredKey {
  key: string;
  lastModified: Date;
}

/** Keys are 32 lower-case hex characters (128 random bits). */
export const KEY_PATTERN = /^[0-9a-f]{32}$/;
/** Rendition file names as the processing writes them, e.g. 640.webp or a150.webp. */
export const RENDITION_NAME = /^a?[0-9]{1,5}\.(webp|jpg)$/;
