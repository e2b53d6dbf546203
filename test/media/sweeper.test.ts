import fs from 'node:fs/promises';
import path from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import { signUp } from '../support/scenario';
import { CREATE_POST, picture, upload } from './support';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ MEDIA_UPLOAD_TTL_SECONDS: '5', MEDIA_SWEEP_INTERVAL_MS: '0' });
});
afterAll(() => app.stop());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  await pause(5_100);

  // Two instances sweeping at once: one claims the scan, the other skips it.
  const other = await startTestApp(
    { MEDIA_UPLOAD_TTL_SECONDS: '5', MEDIA_SWEEP_INTERVAL_MS: '0', MEDIA_DIR: app.config.mediaDir },
    { db: app.db },
  );
  try {
    const reports = await Promise.all([app.app.sweepMedia(), other.app.sweepMedia()]);
    expect(reports.map((r) => r.orphans).sort()).toEqual([2, null]);
  } finally {
    await other.stop();
  }
  await expect(fs.stat(path.join(app.config.mediaDir, 'media', orphan))).rejects.toThrow();
  await expect(fs.stat(path.join(app.config.mediaDir, 'uploads', 'e'.repeat(32)))).rejects.toThrow();
  // every row still has its files
  for (const variant of kept) expect((await fetch(variant.url)).status).toBe(200);
});
