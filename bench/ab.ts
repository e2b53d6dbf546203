/**
 * Shutter against Shutter: two variants of the server on one dataset, in short alternating
 * passes, so that the noise of a shared machine hits both alike and a change of a few percent
 * in CPU per request shows. A variant is a checkout (another revision in a git worktree with
 * node_modules and src/generated in place), Node flags and settings:
 *
 *   npm run bench:ab -- --b-node-args "--max-semi-space-size=32"
 *   npm run bench:ab -- --a-dir /tmp/base --rounds 12 --workload feed     # a revision vs this tree
 *   npm run bench:ab -- --b-env SESSION_CACHE_MS=0
 *
 * A worktree of a revision: `git worktree add /tmp/base REV && ln -s "$PWD/node_modules"
 * /tmp/base/ && cp -r src/generated /tmp/base/src/` (the Prisma client of this tree must suit
 * the revision's schema). Figures: medians over the passes, and the B/A ratio of each round.
 *
 * The rounds are spread over `--pairs` pairs of fresh processes (default 3), each pair warmed
 * up unmeasured first (`--first-warmup`, default 8 s), so that neither a process that happens
 * to run slow for its whole life nor the first seconds of a cold one pass for an effect. Know
 * the noise before reading a small ratio: A against an identical B read B/A 0.906 (one pair,
 * throughput 1.18) and 0.936 (pairs 0.871, 0.98, 0.92; rounds 0.62..1.15) on this 2-core
 * machine, so an effect under ~10% needs many more rounds than 6.
 */
import path from 'node:path';
import { RunContext, seeded } from './lib/context';
import { DATASETS } from './lib/dataset';
import { baseContext, createDatabase, sessionViewers } from './lib/dataset-run';
import { log, logPass } from './lib/log';
import { StatementCounter } from './lib/metrics';
import { parseOptions } from './lib/options';
import { inTurn, measurePass } from './lib/passes';
import { startPostgres } from './lib/postgres';
import { ROOT, startShutter, type ServerProcess } from './lib/processes';
import { median, round } from './lib/stats';
import type { Pass } from './lib/types';
import { closedLoop, requestJson, type RequestSource } from './lib/load';
import { feedRequest, WORKLOADS, type WorkloadName } from './lib/workloads';

interface Variant {
  name: 'A' | 'B';
  dir: string;
  nodeArgs: string[];
  env: Record<string, string>;
}

const OWN = ['a-dir', 'b-dir', 'a-node-args', 'b-node-args', 'a-env', 'b-env', 'workload', 'pairs'] as const;

/** This script's options (each takes a value); everything else is an option of `npm run bench`. */
function parseVariants(argv: string[]): {
  variants: [Variant, Variant];
  rest: string[];
  workload: WorkloadName;
  pairs: number;
} {
  const values: Partial<Record<(typeof OWN)[number], string>> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '') as (typeof OWN)[number];
    if (OWN.includes(name)) values[name] = argv[++i] ?? '';
    else rest.push(argv[i]!);
  }
  const variant = (name: 'A' | 'B', prefix: 'a' | 'b'): Variant => ({
    name,
    dir: path.resolve(values[`${prefix}-dir`] ?? ROOT),
    nodeArgs: (values[`${prefix}-node-args`] ?? '').split(' ').filter(Boolean),
    env: Object.fromEntries(
      (values[`${prefix}-env`] ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => pair.split('=', 2) as [string, string]),
    ),
  });
  const workload = (values.workload ?? 'feed') as WorkloadName;
  if (!(workload in WORKLOADS)) throw new Error(`unknown workload ${workload}`);
  const pairs = Number(values.pairs ?? 3);
  if (!(pairs >= 1)) throw new Error('--pairs must be a positive number');
  return { variants: [variant('A', 'a'), variant('B', 'b')], rest, workload, pairs };
}

async function main(): Promise<void> {
  const { variants, rest, workload, pairs } = parseVariants(process.argv.slice(2));
  const options = parseOptions([
    '--rounds',
    '8',
    '--duration',
    '5',
    '--warmup',
    '2',
    '--first-warmup',
    '8',
    ...rest,
  ]);
  const pgServer = await startPostgres(log);
  const run = new RunContext(options, pgServer, new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19));
  let servers: ServerProcess[] = [];
  try {
    const spec = { ...DATASETS[options.sizes[0]!]!, privacy: options.privacy };
    const { database, url } = await createDatabase(run, spec);
    const { viewers, writablePosts } = await sessionViewers(url);
    const counter = await StatementCounter.open(run.pg.url('postgres'), database);
    const base = baseContext(spec, viewers, writablePosts);
    const source = (seed: number) => WORKLOADS[workload].source(seeded(base, seed));
    const passes: Record<'A' | 'B', Pass[]> = { A: [], B: [] };
    const ratios: number[] = [];
    const pairRatios: number[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      servers = await startPair(variants, url, options.poolSize, viewers[0]!, pair);
      const first = ratios.length;
      // the one measured first is warmed up last, so neither sits idle before its first pass
      for (const i of inTurn(first, 0, 1).reverse())
        await warmUp(servers[i]!, source(run.nextSeed()), options);
      const until = Math.round((options.rounds * (pair + 1)) / pairs);
      for (let r = first; r < until; r++) {
        for (const i of inTurn(r, 0, 1)) {
          const pass = await measurePass(run, counter, 'shutter', servers[i]!, source);
          passes[variants[i]!.name].push(pass);
          logPass(`${variants[i]!.name} closed`, pass);
        }
        ratios.push(
          round(passes.B.at(-1)!.serverCpuMsPerRequest / passes.A.at(-1)!.serverCpuMsPerRequest, 3),
        );
      }
      pairRatios.push(round(median(ratios.slice(first)), 3));
      log(`pair ${pair + 1} of ${pairs}: B/A server CPU per request ${pairRatios.at(-1)}`);
      await Promise.all(servers.map((s) => s.stop()));
      servers = [];
    }
    await counter.close();
    const med = (v: 'A' | 'B', key: 'rps' | 'serverCpuMsPerRequest' | 'peakRssMiB' | 'p99Ms' | 'p50Ms') =>
      round(median(passes[v].map((p) => p[key])));
    console.log(
      `\n${workload}, dataset ${spec.name}, ${options.rounds} rounds of ${options.durationS} s over ${pairs} pairs of processes:`,
    );
    for (const v of ['A', 'B'] as const)
      console.log(
        `  ${v}: ${med(v, 'rps')} req/s, server CPU ${med(v, 'serverCpuMsPerRequest')} ms/req, ` +
          `p50 ${med(v, 'p50Ms')} ms, p99 ${med(v, 'p99Ms')} ms, peak RSS ${med(v, 'peakRssMiB')} MiB`,
      );
    const sorted = [...ratios].sort((x, y) => x - y);
    console.log(
      `  B/A server CPU per request: median ${round(median(ratios), 3)} ` +
        `(rounds ${sorted[0]}..${sorted.at(-1)}; per pair ${pairRatios.join(', ')}), ` +
        `throughput ${round(med('B', 'rps') / med('A', 'rps'), 3)}`,
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    pgServer.stop();
  }
}

/** Starts A and B (first one, then the other, pair by pair) and checks they agree. */
async function startPair(
  variants: [Variant, Variant],
  url: string,
  poolSize: number,
  viewer: number,
  pair: number,
): Promise<ServerProcess[]> {
  const servers: ServerProcess[] = [];
  for (const i of inTurn(pair, 0, 1)) {
    const v = variants[i]!;
    log(`${v.name}: ${v.dir} ${v.nodeArgs.join(' ')} ${JSON.stringify(v.env)}`);
    const env = { DATABASE_POOL_SIZE: String(poolSize), ...v.env };
    servers[i] = await startShutter(url, env, { nodeArgs: v.nodeArgs, cwd: v.dir, name: v.name });
  }
  // Both must answer alike before either is timed.
  const [a, b] = await Promise.all(servers.map((s) => requestJson(s.url, feedRequest(viewer))));
  if (JSON.stringify((a as { data: unknown }).data) !== JSON.stringify((b as { data: unknown }).data))
    throw new Error('A and B answer the feed differently');
  return servers;
}

/** A fresh process is still compiling its hot paths and sizing its heap: load it unmeasured. */
async function warmUp(
  server: ServerProcess,
  next: RequestSource,
  options: { firstWarmupS: number; connections: number },
): Promise<void> {
  if (options.firstWarmupS <= 0) return;
  await closedLoop({
    url: server.url,
    next,
    warmupMs: 0,
    durationMs: options.firstWarmupS * 1000,
    connections: options.connections,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
