import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * package.json's config.nodeFlags in the checkout at `dir`: the Node flags its `npm start` runs
 * the server with (none in a checkout from before there were any).
 */
export function nodeFlagsOf(dir: string): string[] {
  return packageOf(dir).config?.nodeFlags?.split(' ').filter(Boolean) ?? [];
}

/**
 * The C allocator's settings the checkout at `dir` starts the server with: package.json's
 * config.glibcTunables, or MALLOC_ARENA_MAX=2 in a checkout from before there were any.
 */
export function allocatorEnvOf(dir: string): Record<string, string> {
  const tunables = packageOf(dir).config?.glibcTunables;
  return tunables ? { GLIBC_TUNABLES: tunables } : { MALLOC_ARENA_MAX: '2' };
}

/** The package.json of the checkout at `dir`: how its `npm start` runs the server. */
export function packageOf(dir: string): {
  scripts?: Record<string, string>;
  config?: { nodeFlags?: string; glibcTunables?: string };
} {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

export const NODE_FLAGS = nodeFlagsOf(ROOT);
export const ALLOCATOR_ENV = allocatorEnvOf(ROOT);

/**
 * Runs `src/main.ts` with what `npm start` gives the build (its Node flags, then `nodeArgs`;
 * its allocator settings), and waits until /healthz answers.
 */
export async function startServerProcess(
  env: Record<string, string | undefined>,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...NODE_FLAGS, ...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...ALLOCATOR_ENV, LOG_LEVEL: 'info', PORT: String(port), ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(url, child, () => output);
  return { child, port, url, output: () => output, exited };
}

/** Waits until the server at `url` answers /healthz; fails with `output()` if `child` exits first. */
export async function untilHealthy(
  url: string,
  child: { exitCode: number | null },
  output: () => string = () => '',
  withinMs = 110_000,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
