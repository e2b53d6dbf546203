import { encode } from 'blurhash';
import sharp from 'sharp';
import { WorkLine, type WorkLineStats } from '../core/work-line';

// Operation caching keeps decoded images around between uploads; each upload is decoded once,
// so the cache would only hold memory that a burst of uploads needs for itself.
sharp.cache(false);

/** The types an upload may declare, and what sharp must find in its bytes for each. */
export const ACCEPTED_TYPES: Readonly<Record<string, { format: string; compression?: string }>> = {
  'image/jpeg': { format: 'jpeg' },
  'image/png': { format: 'png' },
  'image/webp': { format: 'webp' },
  'image/avif': { format: 'heif', compression: 'av1' },
};

export const POST_WIDTHS = [320, 640, 1080];
export const AVATAR_SIZES = [150, 320];

export type RenditionKind = 'post' | 'avatar';

export interface Rendition {
  name: string;
  width: number;
  height: number;
  contentType: string;
  bytes: Buffer;
}

export interface ProcessedPicture {
  /** narrowest first */
  renditions: Rendition[];
  blurhash: string;
}

/** The bytes are not a usable picture of the declared type (shown to the client as is). */
export class UnusablePicture extends Error {}

export interface ProcessingOptions {
  maxPixels: number;
  /** pictures processed at once; each holds its decoded pixels and sharp worker threads */
  maxConcurrent: number;
  /** pictures that may wait for a slot; beyond that a request is refused with RATE_LIMITED */
  maxQueue: number;
}

export type ProcessingStats = WorkLineStats;

/**
 * Turns uploaded bytes into the renditions that are served: decoded by sharp (libvips, on its
 * own threads, off the event loop), checked to be the declared type, oriented, converted to
 * sRGB and re-encoded as WebP with no metadata at all. WebP alone: every browser and mobile OS
 * in support today decodes it (Safari since 14, Android since 4), and a second JPEG set would
 * double the storage and the processing time for no client we serve.
 *
 * At most `maxConcurrent` pictures are processed at once (the rest wait, at most `maxQueue`: a
 * WorkLine), so a burst of 12-megapixel uploads holds bounded memory and leaves threads for
 * other work.
 */
export class PictureProcessor {
  private readonly line: WorkLine;

  constructor(private readonly options: ProcessingOptions) {
    this.line = new WorkLine(options.maxConcurrent, options.maxQueue);
  }

  get stats(): ProcessingStats {
    return this.line.stats;
  }

  process(bytes: Buffer, declaredType: string, kind: RenditionKind): Promise<ProcessedPicture> {
    return this.line.run(() => this.render(bytes, declaredType, kind));
  }

  private async render(bytes: Buffer, declaredType: string, kind: RenditionKind): Promise<ProcessedPicture> {
    const expected = ACCEPTED_TYPES[declaredType];
    if (!expected) throw new UnusablePicture(`Unsupported type ${declaredType}.`);
    const limitInputPixels = this.options.maxPixels;
    // failOn 'warning': a truncated or corrupt file is refused, not rendered half grey.
    const input = () => sharp(bytes, { limitInputPixels, failOn: 'warning', autoOrient: false });
    const meta = await input()
      .metadata()
      .catch(() => null);
    if (
      !meta ||
      meta.format !== expected.format ||
      (expected.compression && meta.compression !== expected.compression)
    ) {
      throw new UnusablePicture(`The file is not a ${declaredType} picture.`);
    }
    if (!meta.width || !meta.height || meta.width * meta.height > limitInputPixels) {
      throw new UnusablePicture(`The picture is larger than ${limitInputPixels} pixels.`);
    }
    try {
      // Decoded once, to the largest rendition: the smaller ones and the blurhash come from it.
      const largest = Math.max(...(kind === 'post' ? POST_WIDTHS : AVATAR_SIZES));
      const base = await input()
        .rotate()
        .resize(
          kind === 'post'
            ? { width: largest, withoutEnlargement: true }
            : { width: largest, height: largest, fit: 'cover', withoutEnlargement: true },
        )
        .toColourspace('srgb')
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const pixels = () =>
        sharp(base.data, { raw: { width: base.info.width, height: base.info.height, channels: 3 } });
      const renditions = await Promise.all(
        sizesFor(kind, base.info.width, base.info.height).map(async ({ name, width, height }) => ({
          name,
          width,
          height,
          contentType: 'image/webp',
          bytes: await pixels().resize({ width, height, fit: 'fill' }).webp({ quality: 80 }).toBuffer(),
        })),
      );
      return { renditions, blurhash: await blurhashOf(pixels()) };
    } catch (error) {
      throw new UnusablePicture(`The picture could not be decoded: ${(error as Error).message}`);
    }
  }
}

/** The renditions of a picture of `width` x `height` (already oriented), distinct, narrowest first. */
export function sizesFor(kind: RenditionKind, width: number, height: number) {
  const targets = kind === 'post' ? POST_WIDTHS : AVATAR_SIZES;
  const side = kind === 'post' ? width : Math.min(width, height);
  const widths = [...new Set(targets.map((target) => Math.min(target, side)))].sort((a, b) => a - b);
  return widths.map((w) =>
    kind === 'post'
      ? { name: `${w}.webp`, width: w, height: Math.max(1, Math.round((height * w) / width)) }
      : { name: `a${w}.webp`, width: w, height: w },
  );
}

/** BlurHash from a 32 px copy: enough for a placeholder, and cheap to encode in JavaScript. */
async function blurhashOf(image: sharp.Sharp): Promise<string> {
  const { data, info } = await image
    .resize({ width: 32, height: 32, fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return encode(new Uint8ClampedArray(data), info.width, info.height, 4, 3);
}
