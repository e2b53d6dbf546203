import fs from 'node:fs/promises';
import path from 'node:path';
import { openDatabase } from '../../src/db/database';
import type { MediaStorage } from '../../src/media/storage';
import { startTestApp, type TestApp } from '../support/app';
import type { TestDatabase } from '../support/database';
import { signUp } from '../support/scenario';
import { CREATE_POST, createUpload, picture, send, upload } from './support';

const SETTINGS = {
  MEDIA_UPLOAD_TTL_SECONDS: '5',
  MEDIA_ORPHAN_GRACE_SECONDS: '5',
  MEDIA_SWEEP_INTERVAL_MS: '0',
};

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp(SETTINGS);
});
afterAll(() => app.stop());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A second instance over the same media folder and database: on PostgreSQL through a
 * connection pool of its own (as another process would have), on PGlite the same database.
 */
async function secondInstance(): Promise<TestApp> {
  let db: TestDatabase = app.db;
  if (app.db.url) {
    const own = await openDatabase({
      kind: 'postgres',
      url: app.db.url,
      poolSize: 5,
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 30_000,
    });
    db = { ...own, url: app.db.url, reset: async () => {} };
  }
  const other = await startTestApp({ ...SETTINGS, MEDIA_DIR: app.config.mediaDir }, { db });
  return {
    ...other,
    async stop() {
      await other.stop();
      if (db !== app.db) await db.close();
    },
  };
}

/** Records every key an instance's storage is asked to delete (the deletion still happens). */
function recordDeletions(storage: MediaStorage, into: string[]): void {
  const { deleteUpload, deleteRenditions } = storage;
  storage.deleteUpload = async (key) => {
    into.push(`uploads/${key}`);
    await deleteUpload.call(storage, key);
  };
  storage.deleteRenditions = async (key) => {
    into.push(`media/${key}`);
    await deleteRenditions.call(storage, key);
  };
}

test('the orphan scan removes files no row names (a crash between files and rows), and only those', async () => {
  const alice = await signUp(app);
  const id = await upload(app, alice, await picture(900, 600));
  const res = await app.gql(CREATE_POST, { input: { media: [{ uploadId: id }] } }, { token: alice.token });
  const kept = res.data.createPost.media[0].variants;
  // What a process killed after writing renditions, before its transaction, leaves behind:
  // renditions under a key that no row names, and uploaded bytes whose row was swept.
  const orphan = 'f'.repeat(32);
  await app.app.media.storage.writeRendition(orphan, '320.webp', Buffer.from('x'), 'image/webp');
  await fs.writeFile(path.join(app.config.mediaDir, 'uploads', 'e'.repeat(32)), 'bytes');
  // younger than the grace: a request may still be about to write its rows
  const young = 'd'.repeat(32);
  await pause(5_100);
  await app.app.media.storage.writeRendition(young, '320.webp', Buffer.from('x'), 'image/webp');

  // Two instances sweeping at once: one claims the scan, the other skips it.
  const other = await secondInstance();
  try {
    const reports = await Promise.all([app.app.sweepMedia(), other.app.sweepMedia()]);
    expect(reports.map((r) => r.orphans).sort()).toEqual([2, null]);
  } finally {
    await other.stop();
  }
  await expect(fs.stat(path.join(app.config.mediaDir, 'media', orphan))).rejects.toThrow();
  await expect(fs.stat(path.join(app.config.mediaDir, 'uploads', 'e'.repeat(32)))).rejects.toThrow();
  await expect(fs.stat(path.join(app.config.mediaDir, 'media', young))).resolves.toBeTruthy();
  // every row still has its files
  for (const variant of kept) expect((await fetch(variant.url)).status).toBe(200);
  await app.app.media.storage.deleteRenditions(young);
});

test('two instances sweeping at once delete each expired upload and each garbage file exactly once', async () => {
  const bob = await signUp(app);
  // garbage: the renditions of deleted posts
  const assets: string[] = [];
  // every upload row is deleted once expired, used (its bytes went at use) or not
  const uploads: string[] = [];
  for (let i = 0; i < 6; i++) {
    const id = await upload(app, bob, await picture(400 + i * 10, 300));
    uploads.push(id);
    const res = await app.gql(CREATE_POST, { input: { media: [{ uploadId: id }] } }, { token: bob.token });
    assets.push(new URL(res.data.createPost.media[0].url).pathname.split('/').at(-2)!);
    const del = await app.gql(
      `mutation ($id: ID!) { deletePost(id: $id) }`,
      { id: res.data.createPost.id },
      {
        token: bob.token,
      },
    );
    expect(del.errors).toBeUndefined();
  }
  // expired uploads, their bytes sent but never used
  const bytes = await picture(300, 200);
  for (let i = 0; i < 6; i++) {
    const target = (await createUpload(app, bob, 'image/jpeg', bytes.length)).data.createUpload;
    expect(await send(target, bytes)).toBe(204);
    uploads.push(target.uploadId);
  }
  await pause(5_100);
  // The orphan scan (one instance per grace period, tested above) is not due in this round, so
  // what is deleted is what the two claiming steps took.
  await app.db.prisma.$executeRaw`
    INSERT INTO media_sweeps (id, scanned_at) VALUES (1, now())
    ON CONFLICT (id) DO UPDATE SET scanned_at = now()`;

  const other = await secondInstance();
  const deleted: string[] = [];
  recordDeletions(app.app.media.storage, deleted);
  recordDeletions(other.app.media.storage, deleted);
  try {
    // several rounds at once, so that the claims overlap whatever the scheduling
    const reports = await Promise.all([app, other, app, other].map((instance) => instance.app.sweepMedia()));
    expect(reports.reduce((n, r) => n + r.expiredUploads, 0)).toBe(uploads.length);
    expect(reports.reduce((n, r) => n + r.garbage, 0)).toBe(assets.length);
    expect(reports.map((r) => r.orphans)).toEqual([null, null, null, null]);
  } finally {
    await other.stop();
  }
  const expected = [...uploads.map((k) => `uploads/${k}`), ...assets.map((k) => `media/${k}`)];
  // each once, and nothing else
  expect(deleted.filter((key) => expected.includes(key)).sort()).toEqual(expected.sort());
  expect(deleted.filter((key) => !expected.includes(key))).toEqual([]);
  for (const key of uploads) {
    await expect(fs.stat(path.join(app.config.mediaDir, 'uploads', key))).rejects.toThrow();
  }
  for (const key of assets) {
    await expect(fs.stat(path.join(app.config.mediaDir, 'media', key))).rejects.toThrow();
  }
  expect(await app.db.prisma.upload.count({ where: { key: { in: uploads } } })).toBe(0);
  expect(await app.db.prisma.mediaGarbage.count()).toBe(0);
});
