import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { openDatabase, type Database } from '../../src/db/database';
import { usingPostgres } from '../support/database';
import { startServerProcess, type ServerProcess } from '../support/process';

/**
 * SIGTERM to the real process (`npm start`'s entry point) with an HTTP request in flight and a
 * WebSocket open: the request finishes, the socket is closed with 1001 Going Away, the
 * database is disconnected, and the process exits 0. More signals during the shutdown change
 * nothing. argon2 runs at a high cost so that signUp is a slow request.
 */
const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { user { username } } }`;
const SLOW_HASH = { ARGON2_TIME_COST: '40' }; // about 0.35 s per hash here
// About 3.7 s per hash here: ten times what the cut-off shutdown takes, so the request is
// certainly still hashing when the server exits. (Racing the shutdown with a request that writes
// while the database closes is test/db/close.test.ts.)
const SLOWER_HASH = { ARGON2_TIME_COST: '100', ARGON2_MEMORY_KIB: '65536' };

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SlowRequest {
  /** sends the rest of the body */
  finish(): void;
  response: Promise<{ status: number; body: any }>;
}

/**
 * A signUp whose request is certainly in flight when the test signals the server: its headers
 * and half its body are sent at once, the rest only on `finish()`. Then argon2 makes it slow.
 */
async function startSignUp(server: ServerProcess, username: string): Promise<SlowRequest> {
  const body = Buffer.from(
    JSON.stringify({
      query: SIGN_UP,
      variables: { input: { username, email: `${username}@example.com`, password: 'correct horse battery' } },
    }),
  );
  const req = http.request(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': body.length },
  });
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      res.on('error', reject);
    });
  });
  response.catch(() => {}); // observed by the test; never an unhandled rejection
  req.write(body.subarray(0, body.length / 2));
  await new Promise<void>((resolve) => req.once('socket', (socket) => socket.once('connect', resolve)));
  await pause(300); // the server has read the headers: the request counts as in flight
  return { finish: () => req.end(body.subarray(body.length / 2)), response };
}

/** A graphql-ws connection, resolved once the server has acknowledged it. */
async function openSocket(server: ServerProcess): Promise<{ closed: Promise<number> }> {
  let onClosed!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  await new Promise<void>((resolve, reject) => {
    createClient({
      url: `ws://127.0.0.1:${server.port}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: reject,
      on: {
        connected: () => resolve(),
        closed: (event) => onClosed((event as { code: number }).code),
      },
    });
  });
  return { closed };
}

/** The log lines' messages, in order (the server logs JSON lines). */
function messages(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}

interface Backend {
  env: Record<string, string | undefined>;
  /** opens the server's database after it has exited */
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

function embeddedBackend(): Backend {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-shutdown-'));
  return {
    env: { DATABASE_URL: undefined, DATA_DIR: dataDir, SEED_DEMO_DATA: 'false' },
    open: () => openDatabase({ kind: 'embedded', dataDir }),
    dispose: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function postgresBackend(): Promise<Backend> {
  const name = `shutter_shutdown_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    open: () =>
      openDatabase({
        kind: 'postgres',
        url: url.toString(),
        poolSize: 2,
        connectTimeoutMs: 5_000,
        statementTimeoutMs: 0,
      }),
    dispose: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

const backends: [string, () => Promise<Backend>][] = [
  ['the embedded database', async () => embeddedBackend()],
];
if (usingPostgres) backends.push(['PostgreSQL', postgresBackend]);

describe.each(backends)('SIGTERM on %s', (_label, makeBackend) => {
  let backend: Backend;
  let server: ServerProcess | undefined;

  beforeEach(async () => {
    backend = await makeBackend();
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    server = undefined;
    await backend.dispose();
  });

  it('finishes the request in flight, closes sockets with 1001, disconnects, exits 0; more signals change nothing', async () => {
    server = await startServerProcess({ ...backend.env, ...SLOW_HASH });
    const socket = await openSocket(server);
    const username = `inflight_${process.pid}`;
    const slow = await startSignUp(server, username);
    server.child.kill('SIGTERM');
    await pause(100);
    server.child.kill('SIGTERM');
    server.child.kill('SIGINT');
    slow.finish();

    const res = await slow.response;
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.signUp.user.username).toBe(username);
    expect(await socket.closed).toBe(1001);
    expect(await server.exited).toBe(0);

    const log = messages(server.output());
    expect(log.filter((m) => m === 'already shutting down')).toHaveLength(2);
    const order = ['shutting down', 'server stopped', 'database disconnected', 'stopped'];
    expect(log.filter((m) => order.includes(m))).toEqual(order);
    expect(server.output()).not.toMatch(/unclean|did not finish/);

    // The write that was in flight is there, in a database that opens cleanly.
    const db = await backend.open();
    try {
      expect(await db.prisma.user.count({ where: { username } })).toBe(1);
      expect(await db.prisma.session.count({ where: { user: { username } } })).toBe(1);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('cuts off a request that outlasts SHUTDOWN_GRACE_MS and still exits 0, promptly', async () => {
    server = await startServerProcess({ ...backend.env, ...SLOWER_HASH, SHUTDOWN_GRACE_MS: '200' });
    const username = `cutoff_${process.pid}`;
    const slow = await startSignUp(server, username);
    slow.finish();
    await pause(200); // hashing now
    server.child.kill('SIGTERM');
    // with the server's log, so that a failure says why it exited as it did
    expect(`exit code ${await server.exited}\n${server.output()}`).toMatch(/^exit code 0\n/);
    await expect(slow.response).rejects.toThrow(/socket hang up|ECONNRESET/);
    // Promptly, without a clock: the server stopped without waiting for the request to finish
    // (a finished operation logs its line).
    expect(messages(server.output())).toContain('stopped');
    expect(messages(server.output())).not.toContain('graphql operation');

    // Whatever the request managed to do, it did all of it or none: no account without a session.
    const db = await backend.open();
    try {
      const users = await db.prisma.user.count({ where: { username } });
      expect(await db.prisma.session.count({ where: { user: { username } } })).toBe(users);
    } finally {
      await db.close();
    }
  }, 120_000);
});
