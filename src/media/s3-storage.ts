import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Config } from '../config';
import { KEY_PATTERN, type MediaStorage, type StorageArea, type StoredKey, type UploadSpec } from './storage';

export type S3Settings = Pick<
  Config,
  | 'S3_ENDPOINT'
  | 'S3_REGION'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_FORCE_PATH_STYLE'
  | 'MEDIA_PUBLIC_URL'
> & { S3_BUCKET: string };

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * An S3-compatible bucket. Clients upload straight to it with a presigned PUT whose signature
 * covers the content type and length, so the bucket itself refuses other bytes; renditions are
 * served by the bucket (or a CDN in front of it, MEDIA_PUBLIC_URL) with immutable caching.
 */
export class S3MediaStorage implements MediaStorage {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly publicBase: string;

  constructor(settings: S3Settings) {
    this.bucket = settings.S3_BUCKET;
    this.client = new S3Client({
      region: settings.S3_REGION,
      endpoint: settings.S3_ENDPOINT,
      forcePathStyle: settings.S3_FORCE_PATH_STYLE,
      credentials:
        settings.S3_ACCESS_KEY_ID && settings.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: settings.S3_ACCESS_KEY_ID, secretAccessKey: settings.S3_SECRET_ACCESS_KEY }
          : undefined,
    });
    this.publicBase = settings.MEDIA_PUBLIC_URL ?? defaultPublicBase(settings);
  }

  async uploadTarget(upload: UploadSpec) {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: `uploads/${upload.key}`,
      ContentType: upload.contentType,
      ContentLength: upload.byteSize,
    });
    const expiresIn = Math.max(1, Math.floor((upload.expiresAt.getTime() - Date.now()) / 1000));
    const url = await getSignedUrl(this.client, command, {
      expiresIn,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return {
      url,
      method: 'PUT',
      headers: { 'Content-Type': upload.contentType, 'Content-Length': String(upload.byteSize) },
    };
  }

  async readUpload({ key, byteSize }: { key: string; byteSize: number }): Promise<Buffer | null> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `uploads/${key}` }),
      );
      if (object.ContentLength !== byteSize || !object.Body) return null;
      return Buffer.from(await object.Body.transformToByteArray());
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async writeRendition(key: string, name: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `media/${key}/${name}`,
        Body: bytes,
        ContentType: contentType,
        CacheControl: IMMUTABLE,
      }),
    );
  }

  async deleteRenditions(key: string): Promise<void> {
    if (!KEY_PATTERN.test(key)) throw new Error(`not a media key: ${key}`);
    const listed = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `media/${key}/` }),
    );
    const objects = (listed.Contents ?? []).map(({ Key }) => ({ Key }));
    if (objects.length === 0) return;
    await this.client.send(
      new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }),
    );
  }

  async deleteUpload(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: `uploads/${key}` }));
  }

  async *listKeys(area: StorageArea): AsyncIterable<StoredKey> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${area}/`, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(area.length + 1, area.length + 33) ?? '';
        if (KEY_PATTERN.test(key)) yield { key, lastModified: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  renditionUrl(key: string, name: string): string {
    return `${this.publicBase}/${key}/${name}`;
  }
}

function defaultPublicBase(settings: S3Settings): string {
  const endpoint = settings.S3_ENDPOINT ?? `https://s3.${settings.S3_REGION}.amazonaws.com`;
  if (settings.S3_FORCE_PATH_STYLE) return `${endpoint}/${settings.S3_BUCKET}/media`;
  const url = new URL(endpoint);
  return `${url.protocol}//${settings.S3_BUCKET}.${url.host}/media`;
}

const isMissing = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');
