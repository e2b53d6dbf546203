import type { AppContext } from '../core/context';
import type { StoredVariant } from './service';

/** What a row keeps of an uploaded picture (post_media, or users' avatar columns). */
export interface StoredPicture {
  assetKey: string | null;
  variants: unknown;
}

/** The renditions of a stored picture with their public URLs, narrowest first; [] for a URL. */
export function variantsOf(ctx: Pick<AppContext, 'media'>, picture: StoredPicture) {
  if (!picture.assetKey || !Array.isArray(picture.variants)) return [];
  const key = picture.assetKey;
  return (picture.variants as StoredVariant[]).map((variant) => ({
    url: ctx.media.storage.renditionUrl(key, variant.name),
    width: variant.width,
    height: variant.height,
    contentType: variant.contentType,
  }));
}

/** The URL of the largest rendition, or null when the picture was given by URL. */
export const largestUrlOf = (ctx: Pick<AppContext, 'media'>, picture: StoredPicture): string | null =>
  variantsOf(ctx, picture).at(-1)?.url ?? null;
