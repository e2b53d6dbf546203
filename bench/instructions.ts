/**
 * Instructions per request: Shutter under valgrind's callgrind, which counts the instructions
 * the server process executes, requests one at a time. A count does not depend on what else the
 * machine is doing, so two variants run side by side and a change of a few percent shows, where
 * wall-clock A/B runs on this 2-core machine cannot tell 10% from noise (bench/ab.ts: an
 * identical A and B read 0.87-1.13).
 *
 *   npm run bench:instructions                                   # this tree: feed, postDetail, profile
 *   npm run bench:instructions -- --a-dir /tmp/base --workloads feed --runs 2
 *   npm run bench:instructions -- --workloads feed --keep /tmp/cg   # then callgrind_annotate
 *
 * Each run of a variant is a fresh process: started with callgrind's instrumentation off (about
 * 5x slower than native instead of 50x), warmed up with `--warmup` requests of the workload,
 * then instrumentation on, counters zeroed, `--requests` requests, counters dumped: the
 * instructions of those requests, divided by their number. V8 runs with `--predictable` (no
 * concurrent compilation or GC threads, so the optimised code arrives at the same point of each
 * run): the same tree then reads within 2-3% from run to run. What is counted is the server's
 * own work (JavaScript, V8, libuv, the kernel interface up to the system call); PostgreSQL's is
 * not, nor time spent waiting. A count is not a speed (cache misses and system calls cost
 * more than an add), so read it with `npm run bench`.
 *
 * Needs valgrind (`callgrind_control` too); PostgreSQL and the dataset as `npm run bench`.
 * A variant is a checkout as for bench:ab (a worktree with node_modules and src/generated).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RunContext, seeded } from './lib/context';
import { DATASETS } from './lib/dataset';
import { baseContext, createDatabase, sessionViewers } from './lib/dataset-run';
import { requestJson, sequential, type RequestSource } from './lib/load';
import { log } from './lib/log';
import { parseOptions } from './lib/options';
import { startPostgres } from './lib/postgres';
import { ROOT, startShutter, type ServerProcess } from './lib/processes';
import { median, round } from './lib/stats';
import { WORKLOADS, type WorkloadName } from './lib/workloads';

interface Variant {
  name: 'A' | 'B';
  dir: string;
}

const READY_WITHIN_MS = 15 * 60_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'a-dir': { type: 'string' },
      'b-dir': { type: 'string' },
      workloads: { type: 'string', default: 'feed,postDetail,profile' },
      requests: { type: 'string', default: '100' },
      warmup: { type: 'string', default: '200' },
      runs: { type: 'string', default: '1' },
      size: { type: 'string', default: 'S' },
      /** keep each run's callgrind dump in this directory (for callgrind_annotate) */
      keep: { type: 'string' },
    },
  });
  const workloads = values.workloads!.split(',') as WorkloadName[];
  for (const w of workloads) if (!WORKLOADS[w]) throw new Error(`unknown workload ${w}`);
  const requests = Number(values.requests);
  const warmup = Number(values.warmup);
  const runs = Number(values.runs);
  const variants: Variant[] = [];
  if (values['a-dir']) variants.push({ name: 'A', dir: path.resolve(values['a-dir']) });
  variants.push({ name: 'B', dir: path.resolve(values['b-dir'] ?? ROOT) });

  const pgServer = await startPostgres(log);
  const options = parseOptions(['--size', values.size!]);
  const run = new RunContext(options, pgServer, new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19));
  try {
    const spec = DATASETS[values.size!]!;
    const { url } = await createDatabase(run, spec);
    const { viewers, writablePosts } = await sessionViewers(url);
    const base = baseContext(spec, viewers, writablePosts);
    const counts: Record<string, Record<string, number[]>> = {};
    for (const workload of workloads) {
      counts[workload] = { A: [], B: [] };
      for (let r = 0; r < runs; r++) {
        // The same requests for every variant and run: the variants run side by side (the
        // counts do not depend on the machine's load).
        const source = WORKLOADS[workload].source(seeded(base, 1));
        const results = await Promise.all(
          variants.map((v) =>
            countInstructions(v, url, source, {
              warmup,
              requests,
              keepAs: values.keep && path.join(values.keep, `${workload}-${v.name}-${r + 1}.callgrind`),
            }),
          ),
        );
        variants.forEach((v, i) => {
          counts[workload]![v.name]!.push(results[i]!);
          log(`${workload} run ${r + 1}: ${v.name} ${(results[i]! / 1e6).toFixed(2)}M instructions/request`);
        });
      }
    }
    console.log(
      `\ninstructions per request (millions), dataset ${spec.name}, ${requests} requests after ${warmup}:`,
    );
    for (const workload of workloads) {
      const [a, b] = [median(counts[workload]!.A!), median(counts[workload]!.B!)];
      const line = variants.map((v) => `${v.name} ${round(median(counts[workload]![v.name]!) / 1e6, 2)}M`);
      if (variants.length === 2) line.push(`B/A ${round(b / a, 3)}`);
      console.log(`  ${workload.padEnd(12)} ${line.join('  ')}`);
    }
  } finally {
    pgServer.stop();
  }
}

/** One fresh server of `variant` under callgrind: instructions per request of `source`. */
async function countInstructions(
  variant: Variant,
  databaseUrl: string,
  source: RequestSource,
  { warmup, requests, keepAs }: { warmup: number; requests: number; keepAs?: string | undefined },
): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-callgrind-'));
  let server: ServerProcess | undefined;
  try {
    server = await startShutter(
      databaseUrl,
      {
        DATABASE_POOL_SIZE: '2',
        // A process under valgrind is slow to connect and to start; the requests are not timed.
        DATABASE_CONNECT_TIMEOUT_MS: '120000',
        DATABASE_STATEMENT_TIMEOUT_MS: '600000',
        // Every request counts its token check the same way: kept, after the warm-up's.
        SESSION_CACHE_MS: '300000',
      },
      {
        cwd: variant.dir,
        name: variant.name,
        nodeArgs: ['--predictable'],
        launcher: [
          'valgrind',
          '--tool=callgrind',
          '--instr-atstart=no',
          `--callgrind-out-file=${path.join(dir, 'callgrind.out')}`,
        ],
        probe: false,
        readyWithinMs: READY_WITHIN_MS,
      },
    );
    await requestJson(server.url, source(0)); // fails loudly if the workload does
    const warm = await sequential(server.url, source, warmup);
    if (warm.errors) throw new Error(`${variant.name}: warm-up failed: ${warm.firstError}`);
    callgrind(server.pid, '--instr=on');
    callgrind(server.pid, '--zero');
    const measured = await sequential(server.url, (i) => source(warmup + i), requests);
    if (measured.errors) throw new Error(`${variant.name}: requests failed: ${measured.firstError}`);
    callgrind(server.pid, '--dump');
    const dump = newestDump(dir);
    if (keepAs) {
      fs.mkdirSync(path.dirname(keepAs), { recursive: true });
      fs.copyFileSync(dump, keepAs);
    }
    return instructionsOf(dump) / requests;
  } finally {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const callgrind = (pid: number, command: string) =>
  execFileSync('callgrind_control', [command, String(pid)], { stdio: 'ignore' });

/** The dump written last: the measured requests'. */
function newestDump(dir: string): string {
  const dumps = fs
    .readdirSync(dir)
    .map((name) => path.join(dir, name))
    .filter((file) => /^summary:/m.test(fs.readFileSync(file, 'utf8')))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (!dumps[0]) throw new Error(`no callgrind dump in ${dir}`);
  return dumps[0];
}

/** The instructions a dump counted (its `summary`: since the counters were zeroed). */
function instructionsOf(dump: string): number {
  return Number(/^summary:\s+(\d+)/m.exec(fs.readFileSync(dump, 'utf8'))![1]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
