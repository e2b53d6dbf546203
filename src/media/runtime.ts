import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { LocalMediaStorage } from './local-storage';
import { PictureProcessor } from './processing';
import { S3MediaStorage } from './s3-storage';
import type { MediaStorage } from './storage';

export interface MediaRuntime {
  storage: MediaStorage;
  processor: PictureProcessor;
  /** set with local storage: the server receives its uploads and serves its renditions */
  local: LocalMediaStorage | null;
}

declare module '../core/context' {
  interface MediaServices extends MediaRuntime {}
}

export type MediaSettings = Pick<
  Config,
  | 'mediaDir'
  | 'MEDIA_PUBLIC_URL'
  | 'MEDIA_SIGNING_SECRET'
  | 'MEDIA_MAX_PIXELS'
  | 'MEDIA_PROCESSING_CONCURRENCY'
  | 'MEDIA_PROCESSING_QUEUE'
  | 'S3_BUCKET'
  | 'S3_ENDPOINT'
  | 'S3_REGION'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_FORCE_PATH_STYLE'
>;

/**
 * S3-compatible storage when S3_BUCKET is set, files under MEDIA_DIR otherwise. `origin` is
 * Shutter's address as clients reach it, known once the server listens.
 */
export function createMediaRuntime(config: MediaSettings, origin: () => string): MediaRuntime {
  const processor = new PictureProcessor({
    maxPixels: config.MEDIA_MAX_PIXELS,
    maxConcurrent: config.MEDIA_PROCESSING_CONCURRENCY,
    maxQueue: config.MEDIA_PROCESSING_QUEUE,
  });
  if (config.S3_BUCKET) {
    return {
      storage: new S3MediaStorage({ ...config, S3_BUCKET: config.S3_BUCKET }),
      processor,
      local: null,
    };
  }
  // Without a configured secret, URLs signed here are good on this process only: fine for one
  // instance, which is what local storage serves anyway.
  const secret = config.MEDIA_SIGNING_SECRET ?? randomBytes(32).toString('hex');
  const local = new LocalMediaStorage(config.mediaDir, secret, {
    origin,
    mediaBase: () => config.MEDIA_PUBLIC_URL ?? `${origin()}/media`,
  });
  return { storage: local, processor, local };
}
