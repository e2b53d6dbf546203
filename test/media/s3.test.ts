import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
// s3rver speaks the S3 protocol on loopback (it does not check signatures: the tampered-signature
// test runs against local storage, in refusals.test.ts).
import S3rver from 's3rver';
import { startTestApp, type TestApp } from '../support/app';
import { signUp, type TestUser } from '../support/scenario';
import { CREATE_POST, createUpload, picture, upload } from './support';

const BUCKET = 'shutter-media';
let s3: S3rver;
let dir: string;
let client: S3Client;
let app: TestApp;
let alice: TestUser;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 's3rver-'));
  s3 = new S3rver({ port: 0, address: '127.0.0.1', directory: dir, silent: true });
  const address = await s3.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  app = await startTestApp({
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
  });
  alice = await signUp(app);
});
afterAll(async () => {
  await app?.stop();
  client?.destroy();
  await s3?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const objects = async (prefix: string) =>
  ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map(
    (o) => o.Key!,
  );

test('presigned PUT to the bucket, processing, renditions in the bucket, deletion', async () => {
  const target = (await createUpload(app, alice, 'image/jpeg', 10)).data.createUpload;
  expect(new URL(target.url).searchParams.get('X-Amz-SignedHeaders')).toBe(
    'content-length;content-type;host',
  );
  expect(target.headers).toEqual([
    { name: 'Content-Type', value: 'image/jpeg' },
    { name: 'Content-Length', value: '10' },
  ]);

  const id = await upload(app, alice, await picture(1500, 1000));
  expect(await objects(`uploads/${id}`)).toHaveLength(1);
  const res = await app.gql(CREATE_POST, { input: { media: [{ uploadId: id }] } }, { token: alice.token });
  expect(res.errors).toBeUndefined();
  const { id: postId, media } = res.data.createPost;
  expect(media[0].variants.map((v: any) => v.width)).toEqual([320, 640, 1080]);
  for (const variant of media[0].variants) {
    const served = await fetch(variant.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect([meta.format, meta.width]).toEqual(['webp', variant.width]);
  }
  // the uploaded bytes go once used; only renditions stay
  expect(await objects(`uploads/${id}`)).toEqual([]);
  const assetKey = new URL(media[0].url).pathname.split('/').at(-2);
  expect(await objects(`media/${assetKey}/`)).toHaveLength(3);

  await app.gql(`mutation ($id: ID!) { deletePost(id: $id) }`, { id: postId }, { token: alice.token });
  expect((await app.app.sweepMedia()).garbage).toBe(1);
  expect(await objects(`media/${assetKey}/`)).toEqual([]);
});
