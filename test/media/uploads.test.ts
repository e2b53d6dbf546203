import { decode } from 'blurhash';
import sharp from 'sharp';
import { codesOf, startTestApp, type TestApp } from '../support/app';
import { signUp, type TestUser } from '../support/scenario';
import { CREATE_POST, createUpload, picture, upload } from './support';

let app: TestApp;
let alice: TestUser;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());
beforeEach(async () => {
  await app.db.reset();
  alice = await signUp(app);
});

async function fetchImage(url: string) {
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { res, bytes, meta: res.ok ? await sharp(bytes).metadata() : null };
}

describe('a photo uploaded to local storage', () => {
  test('createUpload, PUT, createPost: every variant is served as WebP at 320/640/1080, aspect kept', async () => {
    const id = await upload(app, alice, await picture(1600, 1200));
    const res = await app.gql(
      CREATE_POST,
      { input: { media: [{ uploadId: id, altText: 'sunset' }] } },
      { token: alice.token },
    );
    expect(res.errors).toBeUndefined();
    const [media] = res.data.createPost.media;
    expect(media.variants.map((v: any) => [v.width, v.height, v.contentType])).toEqual([
      [320, 240, 'image/webp'],
      [640, 480, 'image/webp'],
      [1080, 810, 'image/webp'],
    ]);
    expect([media.url, media.width, media.height]).toEqual([media.variants[2].url, 1080, 810]);
    for (const variant of media.variants) {
      const { res: served, meta } = await fetchImage(variant.url);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
      expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('etag')).toBeTruthy();
      expect([meta!.format, meta!.width, meta!.height]).toEqual(['webp', variant.width, variant.height]);
    }
    const pixels = decode(media.blurhash, 32, 24);
    expect(pixels.length).toBe(32 * 24 * 4);
  });

  test('a 500 px original gives 320 and 500, never enlarged', async () => {
    const id = await upload(app, alice, await picture(500, 1000, 'png'), 'image/png');
    const res = await app.gql(
      CREATE_POST,
      { input: { media: [{ uploadId: id, width: 9999, height: 1 }] } },
      { token: alice.token },
    );
    const [media] = res.data.createPost.media;
    expect(media.variants.map((v: any) => [v.width, v.height])).toEqual([
      [320, 640],
      [500, 1000],
    ]);
    expect([media.width, media.height]).toEqual([500, 1000]);
  });

  test('range requests, conditional requests, and nothing but renditions is served', async () => {
    const id = await upload(app, alice, await picture(800, 600));
    const res = await app.gql(CREATE_POST, { input: { media: [{ uploadId: id }] } }, { token: alice.token });
    const { url } = res.data.createPost.media[0];
    const whole = await fetchImage(url);
    const part = await fetch(url, { headers: { range: 'bytes=0-9' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(whole.bytes.subarray(0, 10));
    // (fetch would add `cache-control: no-cache` to a conditional request, which forbids a 304)
    const again = await fetch(url, {
      headers: { 'if-none-match': whole.res.headers.get('etag')!, 'cache-control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
    const base = new URL(url).origin;
    expect((await fetch(`${base}/media/${id}`)).status).toBe(404);
    expect((await fetch(`${base}/media/../uploads/${id}`)).status).toBe(404);
  });

  test('avatar: 150 and 320 squares; replacing it removes the old files once swept', async () => {
    const first = await upload(app, alice, await picture(1000, 600));
    const q = `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) {
      avatarUrl avatar { url width height blurhash variants { url width height } } } }`;
    const res = await app.gql(q, { input: { avatarUploadId: first } }, { token: alice.token });
    expect(res.errors).toBeUndefined();
    const { avatar, avatarUrl } = res.data.updateProfile;
    expect(avatar.variants.map((v: any) => [v.width, v.height])).toEqual([
      [150, 150],
      [320, 320],
    ]);
    expect(avatarUrl).toBe(avatar.url);
    for (const v of avatar.variants)
      expect((await fetchImage(v.url)).meta).toMatchObject({ width: v.width, height: v.width });

    const replaced = await app.gql(
      q,
      { input: { avatarUrl: 'https://example.com/me.png' } },
      { token: alice.token },
    );
    expect(replaced.data.updateProfile).toEqual({ avatarUrl: 'https://example.com/me.png', avatar: null });
    expect((await fetch(avatar.url)).status).toBe(200);
    expect((await app.app.sweepMedia()).garbage).toBe(1);
    expect((await fetch(avatar.url)).status).toBe(404);
  });

  test('deleting a post deletes its files once swept', async () => {
    const id = await upload(app, alice, await picture(700, 700));
    const res = await app.gql(CREATE_POST, { input: { media: [{ uploadId: id }] } }, { token: alice.token });
    const { id: postId, media } = res.data.createPost;
    await app.gql(`mutation ($id: ID!) { deletePost(id: $id) }`, { id: postId }, { token: alice.token });
    await app.app.sweepMedia();
    for (const v of media[0].variants) expect((await fetch(v.url)).status).toBe(404);
  });

  test('media given by URL keep working, with no variants and no blurhash', async () => {
    const res = await app.gql(
      CREATE_POST,
      { input: { media: [{ url: 'https://example.com/a.jpg', width: 10, height: 20 }] } },
      { token: alice.token },
    );
    expect(res.data.createPost.media).toEqual([
      { url: 'https://example.com/a.jpg', width: 10, height: 20, blurhash: null, variants: [] },
    ]);
  });
});

describe('refusals', () => {
  test('createUpload: unknown type, size out of range, anonymous', async () => {
    const bad = [
      [await createUpload(app, alice, 'image/gif', 100), 'contentType'],
      [await createUpload(app, alice, 'image/jpeg', 0), 'byteSize'],
      [await createUpload(app, alice, 'image/jpeg', app.config.MEDIA_MAX_BYTES + 1), 'byteSize'],
    ] as const;
    for (const [res, field] of bad) {
      expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.extensions!.field).toBe(field);
    }
    const anonymous = await app.gql(
      `mutation { createUpload(input: { contentType: "image/jpeg", byteSize: 10 }) { uploadId } }`,
    );
    expect(codesOf(anonymous)).toEqual(['UNAUTHENTICATED']);
  });

  test('MediaInput needs exactly one of url and uploadId', async () => {
    const id = await upload(app, alice, await picture(400, 300));
    for (const item of [{ altText: 'nothing' }, { url: 'https://example.com/a.jpg', uploadId: id }]) {
      const res = await app.gql(CREATE_POST, { input: { media: [item] } }, { token: alice.token });
      expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.extensions!.field).toBe('media');
    }
  });
});
