/** The measured servers, each in its own process so its CPU and memory can be read alone. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { allocatorEnvOf, freePort, nodeFlagsOf, packageOf, ROOT } from '../../test/support/process';

export { freePort, ROOT };

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  readonly probePort: number;
  /** the last 20 kB the process printed */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Abuse limits would turn a benchmark into a test of the limiter; they are switched off
 * (unknown variables are ignored by older configs).
 */
const BENCH_SETTINGS: Record<string, string> = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_LOGIN_ACCOUNT: 'off',
  RATE_LIMIT_LOGIN_ADDRESS: 'off',
  RATE_LIMIT_SIGN_UP: 'off',
  RATE_LIMIT_CREATE_POST: 'off',
  RATE_LIMIT_ADD_COMMENT: 'off',
  RATE_LIMIT_LIKE_POST: 'off',
  RATE_LIMIT_FOLLOW: 'off',
  RATE_LIMIT_BLOCK: 'off',
  RATE_LIMIT_MUTE: 'off',
  RATE_LIMIT_REPORT: 'off',
};

/** Shutter's environment in a benchmark: the settings above, and the checkout's allocator settings. */
export const shutterBenchEnv = (cwd = ROOT): Record<string, string> => ({
  ...BENCH_SETTINGS,
  ...allocatorEnvOf(cwd),
});

/**
 * GET without keep-alive: an idle socket left open by the harness would delay the server's
 * graceful shutdown (and with it the CPU profile written at exit).
 */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode === 200));
      })
      .once('error', () => resolve(false));
  });
}

/**
 * bench/probe.ts as JavaScript, for a server run from its build: preloading the .ts through tsx
 * would load the TypeScript loader (and its memory) into the process being measured.
 */
let probeJs: string | undefined;
function transpiledProbe(): string {
  if (probeJs) return probeJs;
  const source = fs.readFileSync(path.join(ROOT, 'bench/probe.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-probe-')), 'probe.mjs');
  fs.writeFileSync(file, outputText);
  return (probeJs = file);
}

interface NodeProcessSpec {
  name: string;
  script: string;
  /** run through tsx (a .ts script) rather than as built JavaScript */
  typescript?: boolean;
  env: Record<string, string>;
  nodeArgs?: string[];
  readyPath: string;
  graphqlPath: string;
  /** the checkout to run it from */
  cwd?: string;
  /** a command to run node under, node and its arguments appended (valgrind and its options) */
  launcher?: string[];
  /**
   * bench/probe.ts preloaded (event-loop delay, memory, profiles); off where every instruction
   * of the process is counted, since the probe's sampling timer would be too
   */
  probe?: boolean;
  readyWithinMs?: number;
}

async function startNode({
  name,
  script,
  typescript = true,
  env,
  nodeArgs = [],
  readyPath,
  graphqlPath,
  cwd = ROOT,
  launcher = [],
  probe = true,
  readyWithinMs = 60_000,
}: NodeProcessSpec): Promise<ServerProcess> {
  const port = await freePort();
  const probePort = probe ? await freePort() : 0;
  // the probe of this checkout, so that another checkout (bench/ab.ts) needs none of its own
  const preload = probe
    ? ['--import', typescript ? path.join(ROOT, 'bench/probe.ts') : transpiledProbe()]
    : [];
  const loader = typescript ? ['--import', 'tsx'] : [];
  const node = [process.execPath, ...nodeArgs, ...loader, ...preload, script];
  const [command, ...args] = [...launcher, ...node];
  const child: ChildProcess = spawn(command!, args, {
    cwd,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      ...(probe ? { BENCH_PROBE_PORT: String(probePort) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited early:\n${output}`);
    try {
      if (await answers(base + readyPath)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    pid: child.pid!,
    url: base + graphqlPath,
    probePort,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const built = new Set<string>();

/**
 * The server's entry as the checkout at `cwd` runs it with `npm start`: its build (built here
 * once per run, as `npm start` would before starting), or src/main.ts under tsx in a checkout
 * from before there was one.
 */
function serverEntry(cwd: string): { script: string; typescript: boolean } {
  if (!packageOf(cwd).scripts?.start?.includes('dist/main.js'))
    return { script: 'src/main.ts', typescript: true };
  if (!built.has(cwd)) {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    built.add(cwd);
  }
  return { script: 'dist/main.js', typescript: false };
}

/**
 * The server as `npm start` runs it, in production mode; from this checkout, or from
 * `options.cwd` (another checkout with its node_modules and src/generated).
 */
export function startShutter(
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
  options: Pick<NodeProcessSpec, 'nodeArgs' | 'cwd' | 'launcher' | 'probe' | 'readyWithinMs'> & {
    name?: string;
  } = {},
) {
  const cwd = options.cwd ?? ROOT;
  return startNode({
    name: 'shutter',
    ...options,
    // the checkout's own flags, as its `npm start` gives them; options.nodeArgs come later and win
    nodeArgs: [...nodeFlagsOf(cwd), ...(options.nodeArgs ?? [])],
    ...serverEntry(cwd),
    env: { ...shutterBenchEnv(cwd), DATABASE_URL: databaseUrl, ...extraEnv },
    readyPath: '/readyz',
    graphqlPath: '/graphql',
  });
}

export function startFloorProcess(databaseUrl: string, poolSize: number) {
  return startNode({
    name: 'floor',
    script: 'bench/floor-server.ts',
    env: { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: String(poolSize), NODE_ENV: 'production' },
    readyPath: '/healthz',
    graphqlPath: '/graphql',
  });
}
