import sharp from 'sharp';
import type { TestApp } from '../support/app';
import type { TestUser } from '../support/scenario';

export interface Target {
  uploadId: string;
  url: string;
  method: string;
  headers: { name: string; value: string }[];
  expiresAt: string;
}

export const CREATE_UPLOAD = `mutation ($input: CreateUploadInput!) {
  createUpload(input: $input) { uploadId url method headers { name value } expiresAt } }`;

export const CREATE_POST = `mutation ($input: CreatePostInput!) {
  createPost(input: $input) {
    id media { url width height blurhash variants { url width height contentType } } } }`;

export async function createUpload(app: TestApp, user: TestUser, contentType: string, byteSize: number) {
  return app.gql<{ createUpload: Target }>(
    CREATE_UPLOAD,
    { input: { contentType, byteSize } },
    { token: user.token },
  );
}

/** Sends bytes to an upload target as a client would: its method, exactly its headers. */
export async function send(
  target: Target,
  bytes: Buffer,
  headers: Record<string, string> = {},
): Promise<number> {
  const given = Object.fromEntries(target.headers.map((h) => [h.name.toLowerCase(), h.value]));
  // fetch computes Content-Length from the body itself (it refuses one given by hand).
  delete given['content-length'];
  const res = await fetch(target.url, {
    method: target.method,
    headers: { ...given, ...headers },
    body: new Uint8Array(bytes),
  });
  await res.arrayBuffer();
  return res.status;
}

/** createUpload then PUT: the upload's id, ready to be named in a mutation. */
export async function upload(app: TestApp, user: TestUser, bytes: Buffer, contentType = 'image/jpeg') {
  const res = await createUpload(app, user, contentType, bytes.length);
  if (res.errors) throw new Error(`createUpload failed: ${JSON.stringify(res.errors)}`);
  const status = await send(res.data.createUpload, bytes);
  if (status >= 300) throw new Error(`upload PUT answered ${status}`);
  return res.data.createUpload.uploadId;
}

/** A picture with structure (gradient and shapes), so renditions and blurhashes are not flat. */
export async function picture(
  width: number,
  height: number,
  format: 'jpeg' | 'png' | 'webp' | 'avif' = 'jpeg',
): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g"><stop offset="0" stop-color="#e63"/><stop offset="1" stop-color="#36e"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <rect x="0" y="0" width="${width / 4}" height="${height / 4}" fill="#fff"/></svg>`;
  return sharp(Buffer.from(svg)).toFormat(format).toBuffer();
}
