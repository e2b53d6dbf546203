import { randomBytes } from 'node:crypto';
import type { AppContext, AppServices } from '../core/context';
import { badUserInput, notFound } from '../core/errors';
import { faultPoint } from '../core/faults';
import { requireViewer } from '../core/viewer';
import type { CreateUploadInput, UploadTarget } from '../generated/graphql';
import type { PrismaClient } from '../generated/prisma/client';
import { retryOnConflict } from '../db/retry';
import { ACCEPTED_TYPES, UnusablePicture, type RenditionKind } from './processing';
import { KEY_PATTERN } from './storage';

/**
 * A rendition as stored with the row that shows it (post_media.variants, users.avatar_variants);
 * a type, not an interface, so that Prisma takes it as a JSON value.
 */
export type StoredVariant = {
  name: string;
  width: number;
  height: number;
  contentType: string;
};

/** A processed upload, its renditions stored, ready to be written with its row. */
export interface PreparedPicture {
  uploadKey: string;
  /** where its renditions are: a fresh key per processing, so concurrent uses never share files */
  assetKey: string;
  width: number;
  height: number;
  blurhash: string;
  variants: StoredVariant[];
}

/** An upload named in an input, and the input field to blame when it cannot be used. */
export interface UploadUse {
  uploadId: string;
  field: string;
}

type Transaction = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

const newKey = (): string => randomBytes(16).toString('hex');

export async function createUpload(ctx: AppContext, input: CreateUploadInput): Promise<UploadTarget> {
  const viewer = requireViewer(ctx);
  const { MEDIA_MAX_BYTES, MEDIA_UPLOAD_TTL_SECONDS } = ctx.config;
  if (!Object.hasOwn(ACCEPTED_TYPES, input.contentType)) {
    throw badUserInput('contentType', `Accepted types: ${Object.keys(ACCEPTED_TYPES).join(', ')}.`);
  }
  if (!Number.isInteger(input.byteSize) || input.byteSize < 1 || input.byteSize > MEDIA_MAX_BYTES) {
    throw badUserInput('byteSize', `A file must be 1 to ${MEDIA_MAX_BYTES} bytes.`);
  }
  const upload = {
    key: newKey(),
    contentType: input.contentType,
    byteSize: input.byteSize,
    expiresAt: new Date(Date.now() + MEDIA_UPLOAD_TTL_SECONDS * 1000),
  };
  await ctx.prisma.upload.create({ data: { ...upload, userId: viewer.id } });
  const target = await ctx.media.storage.uploadTarget(upload);
  return {
    uploadId: upload.key,
    url: target.url,
    method: target.method,
    headers: Object.entries(target.headers).map(([name, value]) => ({ name, value })),
    expiresAt: upload.expiresAt,
  };
}

/**
 * Uses the viewer's uploads: each is processed and its renditions stored (files first), then
 * `write` runs in one transaction with the uploads' consumption, so the rows that point at the
 * files exist only if every upload was still unused and unexpired. If anything fails, the
 * renditions made here are removed and the uploads stay usable; once committed, the uploaded
 * bytes are removed (the renditions are all that is served).
 */
export async function withUploads<T>(
  ctx: AppContext,
  uses: readonly UploadUse[],
  kind: RenditionKind,
  write: (tx: Transaction, pictures: PreparedPicture[]) => Promise<T>,
): Promise<T> {
  const viewer = requireViewer(ctx);
  // Every picture stored so far, also those of a use that failed, to remove on failure.
  const stored: PreparedPicture[] = [];
  try {
    const uploads = await findUsableUploads(ctx, viewer.id, uses);
    // Processed together; the processor's slots bound how many run at once across requests.
    const settled = await Promise.allSettled(
      uses.map(async (use, i) => {
        const picture = await prepare(ctx, uploads[i]!, use.field, kind);
        stored.push(picture);
        return picture;
      }),
    );
    const pictures = settled.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
    // A crash here leaves renditions that no row names: orphans for the sweeper (crash test).
    faultPoint(ctx.config, 'media-after-files');
    const result = await retryOnConflict(() =>
      ctx.prisma.$transaction(async (tx) => {
        await consumeUploads(tx, viewer.id, uses);
        return write(tx, pictures);
      }),
    );
    await Promise.all(
      pictures.map((p) => removeQuietly(ctx, () => ctx.media.storage.deleteUpload(p.uploadKey))),
    );
    return result;
  } catch (error) {
    await Promise.all(
      stored.map((p) => removeQuietly(ctx, () => ctx.media.storage.deleteRenditions(p.assetKey))),
    );
    throw error;
  }
}

interface UploadRow {
  key: string;
  userId: bigint;
  contentType: string;
  byteSize: number;
  expiresAt: Date;
  usedAt: Date | null;
}

/** The uploads named, in order: another user's is NOT_FOUND, an expired one BAD_USER_INPUT. */
async function findUsableUploads(ctx: AppContext, viewerId: bigint, uses: readonly UploadUse[]) {
  const keys = uses.map((use) => use.uploadId);
  const rows: UploadRow[] = await ctx.prisma.upload.findMany({
    where: { key: { in: keys.filter((key) => KEY_PATTERN.test(key)) } },
  });
  const seen = new Set<string>();
  return uses.map(({ uploadId, field }) => {
    const row = rows.find((r) => r.key === uploadId);
    if (!row || row.userId !== viewerId) throw notFound('Upload');
    if (seen.has(uploadId) || row.usedAt) throw badUserInput(field, 'An upload can be used only once.');
    seen.add(uploadId);
    if (row.expiresAt.getTime() <= Date.now()) throw badUserInput(field, 'This upload has expired.');
    return row;
  });
}

async function prepare(ctx: AppContext, upload: UploadRow, field: string, kind: RenditionKind) {
  const bytes = await ctx.media.storage.readUpload(upload);
  if (!bytes) throw badUserInput(field, "This upload's bytes have not arrived.");
  try {
    return await storePicture(ctx, bytes, upload.contentType, kind, upload.key);
  } catch (error) {
    if (error instanceof UnusablePicture) throw badUserInput(field, error.message);
    throw error;
  }
}

/**
 * Processes a picture and stores its renditions under a fresh key: the one path every stored
 * picture takes (uploads, and the demo data seeded on a first start). Nothing stays stored if
 * it fails; the caller writes the rows that name the key.
 */
export async function storePicture(
  { media, log }: Pick<AppServices, 'media' | 'log'>,
  bytes: Buffer,
  contentType: string,
  kind: RenditionKind,
  uploadKey = '',
): Promise<PreparedPicture> {
  const processed = await media.processor.process(bytes, contentType, kind);
  const assetKey = newKey();
  const picture: PreparedPicture = {
    uploadKey,
    assetKey,
    width: processed.renditions.at(-1)!.width,
    height: processed.renditions.at(-1)!.height,
    blurhash: processed.blurhash,
    variants: processed.renditions.map(({ name, width, height, contentType }) => ({
      name,
      width,
      height,
      contentType,
    })),
  };
  try {
    await Promise.all(
      processed.renditions.map((r) => media.storage.writeRendition(assetKey, r.name, r.bytes, r.contentType)),
    );
  } catch (error) {
    await removeQuietly({ log }, () => media.storage.deleteRenditions(assetKey));
    throw error;
  }
  return picture;
}

/** The columns of a post's media row that show a stored picture (url keeps its largest name). */
export const pictureColumns = ({ assetKey, width, height, blurhash, variants }: PreparedPicture) => ({
  url: variants.at(-1)!.name,
  assetKey,
  width,
  height,
  blurhash,
  variants: [...variants],
});

/** The user columns of an avatar that is a stored picture. */
export const avatarColumns = (avatar: PreparedPicture) => ({
  avatarUrl: null,
  avatarKey: avatar.assetKey,
  avatarBlurhash: avatar.blurhash,
  avatarVariants: [...avatar.variants],
});

/**
 * Marks the uploads used, in one statement: of two requests using one upload at once exactly
 * one commits. Anything not marked was used or expired since it was checked.
 */
async function consumeUploads(tx: Transaction, viewerId: bigint, uses: readonly UploadUse[]): Promise<void> {
  const keys = uses.map((use) => use.uploadId);
  const consumed = await tx.upload.updateMany({
    where: { key: { in: keys }, userId: viewerId, usedAt: null, expiresAt: { gt: new Date() } },
    data: { usedAt: new Date() },
  });
  if (consumed.count !== keys.length) {
    throw badUserInput(uses[0]!.field, 'An upload was used or expired meanwhile.');
  }
}

/** Files left behind by a failed removal are the sweeper's (see sweeper.ts). */
async function removeQuietly(ctx: Pick<AppServices, 'log'>, remove: () => Promise<void>): Promise<void> {
  await remove().catch((err: unknown) =>
    ctx.log.warn({ err }, 'media file removal failed; the sweeper will retry'),
  );
}
