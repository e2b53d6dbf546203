import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { postGraphQL } from '../support/app';
import { createEmptyDatabase, usingPostgres, type TestDatabase } from '../support/database';
import { startServerProcess, type ServerProcess } from '../support/process';
import { CREATE_POST, CREATE_UPLOAD, picture, send, type Target } from './support';

/**
 * The real server, killed (SIGKILL, through SHUTTER_FAULT_POINT) after a post's renditions are
 * written and before the transaction that names them: restarted, it has no row pointing at
 * missing files, its sweeper removes the orphan renditions, and the upload is still usable.
 */
let dataDir: string;
let pgDatabase: TestDatabase | null = null;
let server: ServerProcess | null = null;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-crash-'));
  if (usingPostgres) pgDatabase = await createEmptyDatabase();
});
afterAll(async () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  await pgDatabase?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function start(env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServerProcess({
    SEED_DEMO_DATA: 'false',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    DATABASE_URL: pgDatabase?.url,
    MEDIA_SWEEP_INTERVAL_MS: '0',
    ...env,
  });
}

/** The server's database, opened once it has exited (PGlite allows one process at a time). */
function openServerDatabase(): Promise<Database> {
  return pgDatabase ? Promise.resolve(pgDatabase) : openDatabase({ kind: 'embedded', dataDir });
}

const mediaDirs = () => fs.readdirSync(path.join(dataDir, 'media', 'media')).sort();

async function uploadPicture(url: string, token: string, width: number): Promise<string> {
  const bytes = await picture(width, 600);
  const res = await postGraphQL<{ createUpload: Target }>(
    `${url}/graphql`,
    CREATE_UPLOAD,
    { input: { contentType: 'image/jpeg', byteSize: bytes.length } },
    { token },
  );
  expect(res.errors).toBeUndefined();
  expect(await send(res.data.createUpload, bytes)).toBe(204);
  return res.data.createUpload.uploadId;
}

const createPost = (url: string, token: string, uploadId: string) =>
  postGraphQL<any>(`${url}/graphql`, CREATE_POST, { input: { media: [{ uploadId }] } }, { token });

test('a crash between writing files and rows leaves orphans only, which the sweeper removes', async () => {
  // 1. a healthy post, then a clean stop
  server = await start();
  const signUp = await postGraphQL<any>(
    `${server.url}/graphql`,
    `mutation { signUp(input: { username: "crash", email: "crash@example.com", password: "crash-test-pw" }) { token } }`,
  );
  expect(signUp.errors).toBeUndefined();
  const token: string = signUp.data.signUp.token;
  const healthy = await createPost(server.url, token, await uploadPicture(server.url, token, 900));
  expect(healthy.errors).toBeUndefined();
  const kept = mediaDirs();
  expect(kept).toHaveLength(1);
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);

  // 2. the crash: the renditions are on disk, the process dies before its transaction
  server = await start({ SHUTTER_FAULT_POINT: 'media-after-files' });
  const pending = await uploadPicture(server.url, token, 800);
  await expect(createPost(server.url, token, pending)).rejects.toThrow();
  await server.exited;
  expect(server.child.signalCode).toBe('SIGKILL');
  const orphans = mediaDirs().filter((key) => !kept.includes(key));
  expect(orphans).toHaveLength(1);

  // no row points at the orphan; every row's files are there
  let db = await openServerDatabase();
  try {
    const rows = await db.prisma.media.findMany({ select: { assetKey: true, variants: true } });
    expect(rows.map((r) => r.assetKey)).toEqual(kept);
    for (const row of rows) {
      for (const variant of row.variants as { name: string }[]) {
        expect(fs.existsSync(path.join(dataDir, 'media', 'media', row.assetKey!, variant.name))).toBe(true);
      }
    }
    expect(await db.prisma.upload.findUnique({ where: { key: pending } })).toMatchObject({ usedAt: null });
  } finally {
    if (!pgDatabase) await db.close();
  }

  // 3. restarted with a short grace, the sweeper removes the orphan and nothing else
  server = await start({ MEDIA_ORPHAN_GRACE_SECONDS: '1', MEDIA_SWEEP_INTERVAL_MS: '200' });
  const deadline = Date.now() + 20_000;
  while (mediaDirs().some((key) => orphans.includes(key)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(mediaDirs()).toEqual(kept);
  for (const variant of healthy.data.createPost.media[0].variants) {
    expect((await fetch(variant.url.replace(/^http:\/\/localhost:\d+/, server.url))).status).toBe(200);
  }
  // the upload was never consumed: the client may simply retry
  const retried = await createPost(server.url, token, pending);
  expect(retried.errors).toBeUndefined();
  expect(retried.data.createPost.media[0].variants).toHaveLength(3);
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);

  db = await openServerDatabase();
  try {
    const keys = (await db.prisma.media.findMany({ select: { assetKey: true } })).map((r) => r.assetKey);
    expect(keys.sort()).toEqual(mediaDirs());
  } finally {
    if (!pgDatabase) await db.close();
  }
}, 180_000);
