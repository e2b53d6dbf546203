import type { CreatePostInput, MediaInput } from '../generated/graphql';
import { badUserInput } from '../core/errors';
import { checkHttpUrl, checkIntRange, checkLength } from '../core/validate';

export const MAX_CAPTION = 2200;
export const MAX_MEDIA = 10;
export const MAX_ALT_TEXT = 1000;
export const MAX_MEDIA_DIMENSION = 10_000;

export interface MediaData {
  position: number;
  url: string;
  /** set instead of a real url when the media is an upload (processed by the media domain) */
  uploadId?: string;
  altText: string | null;
  width: number | null;
  height: number | null;
}

/** Captions are trimmed, as an app's text box would; null means no caption. */
export const parseCaption = (caption: string | null | undefined): string =>
  checkLength('caption', (caption ?? '').trim(), 0, MAX_CAPTION);

function parseDimension(field: string, value: number | null | undefined): number | null {
  return value == null ? null : checkIntRange(field, value, 1, MAX_MEDIA_DIMENSION);
}

/** One media item; `field` paths like `media.2.url` point the client at the exact input. */
function parseMediaItem(item: MediaInput, position: number): MediaData {
  const at = `media.${position}`;
  // Blank alt text tells a screen reader nothing: store it as absent.
  const altText =
    item.altText == null ? '' : checkLength(`${at}.altText`, item.altText.trim(), 0, MAX_ALT_TEXT);
  if ((item.url == null) === (item.uploadId == null)) {
    throw badUserInput('media', `media.${position}: give exactly one of url and uploadId.`);
  }
  return {
    position,
    url: item.url == null ? '' : checkHttpUrl(`${at}.url`, item.url),
    ...(item.uploadId != null && { uploadId: item.uploadId }),
    altText: altText || null,
    width: parseDimension(`${at}.width`, item.width),
    height: parseDimension(`${at}.height`, item.height),
  };
}

export function parseCreatePost(input: CreatePostInput): { caption: string; media: MediaData[] } {
  if (input.media.length < 1 || input.media.length > MAX_MEDIA) {
    throw badUserInput('media', `A post needs 1 to ${MAX_MEDIA} media items.`);
  }
  return { caption: parseCaption(input.caption), media: input.media.map(parseMediaItem) };
}
