import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import exifReader from 'sharp';
import { codesOf, startTestApp, type TestApp } from '../support/app';
import { signUp, type TestUser } from '../support/scenario';
import { CREATE_POST, createUpload, picture, send, upload } from './support';

let app: TestApp;
let alice: TestUser;

beforeAll(async () => {
  app = await startTestApp({ MEDIA_MAX_PIXELS: '4000000' });
});
afterAll(() => app.stop());
beforeEach(async () => {
  await app.db.reset();
  alice = await signUp(app);
});

/** The media folder is the app's, shared by the tests of this file: each starts it empty. */
beforeEach(() => fs.rm(app.config.mediaDir, { recursive: true, force: true }));

/** What is stored: every file under the media folder, and the post and upload rows. */
async function stored() {
  const files = await fs.readdir(app.config.mediaDir, { recursive: true }).catch(() => []);
  const [posts, uploads] = await Promise.all([app.db.prisma.post.count(), app.db.prisma.upload.count()]);
  return { files: files.filter((f) => !['uploads', 'media'].includes(f)).length, posts, uploads };
}

async function postWith(user: TestUser, uploadId: string) {
  return app.gql(CREATE_POST, { input: { media: [{ uploadId }] } }, { token: user.token });
}

const expectRefused = (res: { errors?: any[] }, code: string, field?: string) => {
  expect(codesOf(res)).toEqual([code]);
  if (field) expect(res.errors![0].extensions.field).toBe(field);
};

describe('bytes that are not a usable picture of the declared type: BAD_USER_INPUT on media, nothing stored', () => {
  const cases: [string, () => Promise<Buffer>, string][] = [
    ['a text file renamed', async () => Buffer.from('hello, not a picture at all'.repeat(20)), 'image/jpeg'],
    ['a PNG declared as JPEG', () => picture(300, 200, 'png'), 'image/jpeg'],
    ['a truncated JPEG', async () => (await picture(1200, 900)).subarray(0, 2000), 'image/jpeg'],
    ['a picture over the pixel limit (a decompression bomb)', () => picture(4000, 1001, 'png'), 'image/png'],
  ];
  test.each(cases)('%s', async (_name, bytesOf, type) => {
    const id = await upload(app, alice, await bytesOf(), type);
    const before = await stored();
    const res = await postWith(alice, id);
    expectRefused(res, 'BAD_USER_INPUT', 'media');
    expect(await stored()).toEqual({ ...before, posts: 0 });
    // the refusal left the upload unused (it is still there to be swept, not consumed)
    expect(before.uploads).toBe(1);
  });
});

describe('the upload URL', () => {
  test('a body bigger than byteSize is refused while streaming and stores nothing', async () => {
    const bytes = await picture(600, 400);
    const { data } = await createUpload(app, alice, 'image/jpeg', 1000);
    // no Content-Length known up front: a chunked body, cut off once past the limit
    const res = await fetch(data.createUpload.url, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array(bytes));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await stored()).files).toBe(0);
    expect(await send(data.createUpload, bytes)).toBe(413);
    expectRefused(await postWith(alice, data.createUpload.uploadId), 'BAD_USER_INPUT', 'media');
  });

  test('a transfer cut off midway stores nothing, and the same URL takes a whole body afterwards', async () => {
    // over a megabyte: part of it has been written to disk when the connection drops
    const bytes = randomBytes(3 * 1024 * 1024);
    const { data } = await createUpload(app, alice, 'image/jpeg', bytes.length);
    const req = http.request(data.createUpload.url, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg', 'content-length': String(bytes.length) },
    });
    const closed = new Promise((resolve) => req.once('close', resolve));
    req.once('error', () => {});
    req.write(bytes.subarray(0, 2 * 1024 * 1024));
    // the server works on its own schedule: wait for what it does, not a fixed time
    const until = async (done: (files: number) => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!done((await stored()).files) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      return (await stored()).files;
    };
    expect(await until((files) => files > 0)).toBe(1); // the partial file, written in part
    req.destroy();
    await closed;
    expect(await until((files) => files === 0)).toBe(0);
    expect(await send(data.createUpload, bytes)).toBe(204);
    expect((await stored()).files).toBe(1);
  });

  test('another content type than signed is refused', async () => {
    const bytes = await picture(300, 300, 'png');
    const { data } = await createUpload(app, alice, 'image/jpeg', bytes.length);
    expect(await send(data.createUpload, bytes, { 'content-type': 'image/png' })).toBe(415);
    expect((await stored()).files).toBe(0);
  });

  test('a tampered or expired signature is refused', async () => {
    const bytes = await picture(300, 300);
    const { data } = await createUpload(app, alice, 'image/jpeg', bytes.length);
    const url = new URL(data.createUpload.url);
    const longer = new URL(url);
    longer.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    const bigger = new URL(url);
    bigger.searchParams.set('size', String(bytes.length + 1));
    for (const forged of [longer, bigger]) {
      expect(await send({ ...data.createUpload, url: forged.toString() }, bytes)).toBe(403);
    }
    expect((await stored()).files).toBe(0);

    const shortLived = await startTestApp({ MEDIA_UPLOAD_TTL_SECONDS: '1' }, { db: app.db });
    try {
      const res = await createUpload(shortLived, alice, 'image/jpeg', bytes.length);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await send(res.data.createUpload, bytes)).toBe(403);
      expectRefused(await postWith(alice, res.data.createUpload.uploadId), 'BAD_USER_INPUT', 'media');
      expect((await shortLived.app.sweepMedia()).expiredUploads).toBe(1);
    } finally {
      await shortLived.stop();
    }
  });
});

describe('using an upload', () => {
  test("someone else's upload is NOT_FOUND; an upload works once; bytes never sent is BAD_USER_INPUT", async () => {
    const bob = await signUp(app);
    const id = await upload(app, alice, await picture(400, 300));
    expectRefused(await postWith(bob, id), 'NOT_FOUND');
    expect((await postWith(alice, id)).errors).toBeUndefined();
    expectRefused(await postWith(alice, id), 'BAD_USER_INPUT', 'media');
    const avatar = await app.gql(
      `mutation ($id: ID!) { updateProfile(input: { avatarUploadId: $id }) { id } }`,
      { id },
      { token: alice.token },
    );
    expectRefused(avatar, 'BAD_USER_INPUT', 'avatarUploadId');
    const { data } = await createUpload(app, alice, 'image/jpeg', 1234);
    expectRefused(await postWith(alice, data.createUpload.uploadId), 'BAD_USER_INPUT', 'media');
  });

  test('two posts racing for one upload: exactly one gets it, the loser stores nothing', async () => {
    const id = await upload(app, alice, await picture(1200, 800));
    const results = await Promise.all([postWith(alice, id), postWith(alice, id)]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(codesOf(results.find((r) => r.errors)!)).toEqual(['BAD_USER_INPUT']);
    const renditionDirs = await fs.readdir(path.join(app.config.mediaDir, 'media'));
    expect(renditionDirs).toHaveLength(1);
  });
});

test('EXIF orientation is applied and GPS, EXIF and XMP are gone from every rendition', async () => {
  // 600x400 stored, orientation 6: shown rotated to 400x600.
  const jpeg = await exifReader(await picture(600, 400))
    .withExif({
      IFD0: { Make: 'Shutter test' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' },
    })
    .withMetadata({ orientation: 6 })
    .withXmp(
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>',
    )
    .jpeg()
    .toBuffer();
  const input = await exifReader(jpeg).metadata();
  expect([input.orientation, Boolean(input.exif), Boolean(input.xmp)]).toEqual([6, true, true]);
  const res = await postWith(alice, await upload(app, alice, jpeg));
  const { variants } = res.data.createPost.media[0];
  expect(variants.map((v: any) => [v.width, v.height])).toEqual([
    [320, 480],
    [400, 600],
  ]);
  for (const v of variants) {
    const bytes = Buffer.from(await (await fetch(v.url)).arrayBuffer());
    const meta = await exifReader(bytes).metadata();
    expect([meta.width, meta.height, meta.orientation, meta.exif, meta.xmp, meta.iptc, meta.icc]).toEqual([
      v.width,
      v.height,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(bytes.includes('Shutter test')).toBe(false);
  }
});
