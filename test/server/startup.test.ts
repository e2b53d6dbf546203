import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postGraphQL } from '../support/app';
import { startServerProcess, type ServerProcess } from '../support/process';

/**
 * The two-command promise: with no DATABASE_URL, `npm start` creates the embedded database,
 * migrates it, seeds the demo data and serves the API. A SIGTERM lets an in-flight request
 * finish and exits 0. (argon2 runs at a high cost here so that logIn is a slow request.)
 */
describe('npm start on a fresh machine', () => {
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-start-'));
    server = await startServerProcess({ DATABASE_URL: undefined, DATA_DIR: dataDir, ARGON2_TIME_COST: '60' });
  }, 150_000);

  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is healthy and ready', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('answers a first query anonymously', async () => {
    const res = await postGraphQL(`${server.url}/graphql`, '{ viewer { id } }');
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ viewer: null });
  });

  it('serves the Sandbox landing page outside production', async () => {
    const res = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/apollo/i);
  });

  it('has seeded demo data with the documented login', async () => {
    const login = await postGraphQL<{ logIn: { token: string } }>(
      `${server.url}/graphql`,
      `mutation { logIn(input: { login: "demo", password: "shutter-demo" }) { token } }`,
    );
    expect(login.errors).toBeUndefined();
    const me = await postGraphQL<any>(
      `${server.url}/graphql`,
      '{ viewer { username followingCount } }',
      {},
      { token: login.data.logIn.token },
    );
    expect(me.data.viewer.username).toBe('demo');
    expect(me.data.viewer.followingCount).toBeGreaterThan(0);
    // one of each privacy case, as the README describes them
    const cases = await postGraphQL<any>(
      `${server.url}/graphql`,
      `{ ivan: user(username: "ivan") { isPrivate viewerHasRequestedFollow viewerCanSeeContent }
         hana: user(username: "hana") { viewerHasMuted viewerIsFollowing }
         blockedUsers { edges { node { username } } } }`,
      {},
      { token: login.data.logIn.token },
    );
    expect(cases.data).toEqual({
      ivan: { isPrivate: true, viewerHasRequestedFollow: true, viewerCanSeeContent: false },
      hana: { viewerHasMuted: true, viewerIsFollowing: true },
      blockedUsers: { edges: [{ node: { username: 'gia' } }] },
    });
    // and a few notifications: a group of likes, a comment, a group of new followers, a mention
    const activity = await postGraphQL<any>(
      `${server.url}/graphql`,
      `{ unreadNotificationCount notifications { edges { node { kind actorCount } } } }`,
      {},
      { token: login.data.logIn.token },
    );
    expect(activity.data.notifications.edges.map((e: any) => e.node.kind).sort()).toEqual([
      'COMMENT',
      'FOLLOW',
      'LIKE',
      'MENTION',
    ]);
    expect(activity.data.unreadNotificationCount).toBe(4);
  });

  it("seeds posts and the demo user's avatar through the photo pipeline: renditions served, blurhashes", async () => {
    const res = await postGraphQL<any>(
      `${server.url}/graphql`,
      `{ explore(first: 12) { edges { node { media { blurhash variants { url width contentType } } } } }
         user(username: "demo") { avatar { blurhash variants { url width height } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const pictures = res.data.explore.edges
      .map((e: any) => e.node.media[0])
      .filter((m: any) => m.variants.length > 0);
    expect(pictures.length).toBeGreaterThanOrEqual(10);
    // varied pictures, not one copied
    expect(new Set(pictures.map((m: any) => m.blurhash)).size).toBe(pictures.length);
    const { avatar } = res.data.user;
    expect(avatar.variants.map((v: any) => [v.width, v.height])).toEqual([
      [150, 150],
      [320, 320],
    ]);
    expect(avatar.blurhash).toMatch(/^[0-9A-Za-z#$%*+,.:;=?@[\]^_{|}~-]{20,}$/);
    for (const variant of [...pictures[0].variants, avatar.variants[0]]) {
      const served = await fetch(variant.url.replace(/^http:\/\/localhost:\d+/, server.url));
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
    }
  });

  it('on SIGTERM lets a slow request finish, then exits 0', async () => {
    const slow = postGraphQL<any>(
      `${server.url}/graphql`,
      `mutation { logIn(input: { login: "demo", password: "shutter-demo" }) { user { username } } }`,
    );
    await new Promise((r) => setTimeout(r, 150));
    server.child.kill('SIGTERM');
    const res = await slow;
    expect(res.errors).toBeUndefined();
    expect(res.data.logIn.user.username).toBe('demo');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('stopped');
  });
});
