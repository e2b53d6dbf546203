/**
 * Shutter's benchmark harness (issue 6): Shutter against the raw-SQL floor on a generated
 * dataset, on a PostgreSQL 15 it starts itself.
 *
 *   npm run bench                         # dataset S, every workload
 *   npm run bench -- --size S,M           # several datasets in one run
 *   npm run bench -- --smoke              # tiny dataset, a few seconds per workload (CI)
 *   npm run bench -- --workloads feed,feedPage2 --rounds 5 --duration 15 --rate 150
 *   npm run bench -- --profile --explain  # + CPU profile of the server, EXPLAIN ANALYZE of each statement
 *   npm run bench -- --profile-workload logIn   # the CPU profile under another workload's load
 *
 * See bench/README.md for what is measured and how to read the output.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs as parseCommandLine } from 'node:util';
import pg from 'pg';
import { PasswordHasher } from '../src/security/passwords';
import { parseConfig } from '../src/config';
import { BENCH_PASSWORD, DATASETS, generateDataset, type DatasetSpec, type Generated } from './lib/dataset';
import {
  closedLoop,
  openLoop,
  requestJson,
  sequential,
  type LoadOptions,
  type LoadResult,
  type RequestSource,
} from './lib/load';
import {
  StatementCounter,
  loadAverage,
  machineBusyMs,
  mainThreadCpuMs,
  peakRssBytes,
  postgresCpuMs,
  probe,
  processCpuMs,
  resetPeakRss,
} from './lib/metrics';
import {
  ROOT,
  SHUTTER_BENCH_ENV,
  startFloorProcess,
  startShutter,
  type ServerProcess,
} from './lib/processes';
import { startPostgres, SERVER_SETTINGS, type Postgres } from './lib/postgres';
import { summarizeProfile, type ProfileSummary } from './lib/profile';
import { checkTargets, printReport } from './lib/report';
import { WORKLOADS, writeOf, type WorkloadContext, type WorkloadName } from './lib/workloads';

export interface Options {
  sizes: string[];
  smoke: boolean;
  durationS: number;
  warmupS: number;
  rounds: number;
  connections: number;
  /** fixed request rate for the latency passes; default: half Shutter's closed-loop rate */
  rate?: number;
  workloads: WorkloadName[];
  profile: boolean;
  /** the load the CPU profile is taken under */
  profileWorkload: WorkloadName;
  explain: boolean;
  poolSize: number;
  /** extra node flags for the Shutter process, e.g. "--max-semi-space-size=64" */
  nodeArgs: string[];
}

const ALL_WORKLOADS = Object.keys(WORKLOADS) as WorkloadName[];

function parseArgs(argv: string[]): Options {
  const { values: v } = parseCommandLine({
    args: argv,
    strict: true,
    options: {
      smoke: { type: 'boolean' },
      size: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      rate: { type: 'string' },
      'pool-size': { type: 'string' },
      workloads: { type: 'string' },
      'node-args': { type: 'string' },
      profile: { type: 'boolean' },
      'profile-workload': { type: 'string' },
      explain: { type: 'boolean' },
    },
  });
  const num = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const smoke = v.smoke ?? false;
  const options: Options = {
    // --smoke: a tiny dataset and short passes, to keep the harness working (CI)
    ...(smoke
      ? { sizes: ['smoke'], durationS: 1.5, warmupS: 0.5, rounds: 1, rate: 20 }
      : { sizes: ['S'], durationS: 10, warmupS: 3, rounds: 3 }),
    smoke,
    connections: 50,
    workloads: ALL_WORKLOADS,
    profile: v.profile ?? v['profile-workload'] !== undefined,
    profileWorkload: (v['profile-workload'] ?? 'feed') as WorkloadName,
    explain: v.explain ?? false,
    poolSize: 10,
    nodeArgs: [],
  };
  if (v.size !== undefined) options.sizes = v.size.split(',');
  options.durationS = num(v.duration) ?? options.durationS;
  options.warmupS = num(v.warmup) ?? options.warmupS;
  options.rounds = num(v.rounds) ?? options.rounds;
  options.connections = num(v.connections) ?? options.connections;
  options.rate = num(v.rate) ?? options.rate;
  options.poolSize = num(v['pool-size']) ?? options.poolSize;
  if (v.workloads !== undefined) options.workloads = v.workloads.split(',') as WorkloadName[];
  if (v['node-args'] !== undefined) options.nodeArgs = v['node-args'].split(' ').filter(Boolean);
  for (const size of options.sizes) if (!DATASETS[size]) throw new Error(`unknown size ${size}`);
  for (const w of [...options.workloads, options.profileWorkload])
    if (!WORKLOADS[w]) throw new Error(`unknown workload ${w}`);
  return options;
}

const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Figures of one measured pass against one server. */
export interface Pass extends LoadResult {
  target: 'shutter' | 'floor' | 'argon2';
  statementsPerRequest: number;
  serverCpuMsPerRequest: number;
  /** the part of serverCpuMsPerRequest spent on the main thread (the rest: libuv's pool, V8's helpers) */
  mainThreadCpuMsPerRequest: number;
  pgCpuMsPerRequest: number;
  peakRssMiB: number;
  eventLoopDelayP99Ms: number;
  /** cores' worth of CPU used on the machine by processes other than ours during the pass */
  foreignCpuCores: number;
}

export interface WorkloadResult {
  workload: WorkloadName;
  title: string;
  /** what the Shutter figures are divided by */
  floorWorkload: string;
  closed: { shutter: Pass[]; floor: Pass[]; ratios: number[]; ratio: number };
  fixedRate?: { rate: number; shutter: Pass[]; floor: Pass[] };
}

/**
 * Where a login's CPU goes on this machine (medians over the passes, ms per request): the
 * ceiling is the ratio the server would reach with every core busy, set by the work around
 * the hash that competes with it for the same cores.
 */
export interface LogInCpu {
  bareHashMs: number;
  serverMs: number;
  mainThreadMs: number;
  postgresMs: number;
  loadGeneratorMs: number;
  /** bareHashMs / (serverMs + postgresMs + loadGeneratorMs): meaningful when every core hashes */
  ceiling: number;
}

export interface LogInResult {
  /** verifications at a time in the bare run (for logInOwnCore, the server's ARGON2_MAX_CONCURRENT too) */
  hashThreads: number;
  argon2: Pass[];
  shutter: Pass[];
  ratios: number[];
  ratio: number;
  argon2Options: unknown;
  cpu: LogInCpu;
}

export interface CostRow {
  op: string;
  target: 'shutter' | 'floor';
  requests: number;
  statementsPerRequest: number;
  serverCpuMsPerRequest: number;
  pgCpuMsPerRequest: number;
  p50Ms: number;
  statements: { calls: number; perRequest: number; ms: number; query: string }[];
}

export interface DatasetResult {
  spec: DatasetSpec;
  generated: Generated | null;
  verification: { viewers: number[]; pages: number; identical: boolean };
  costs: CostRow[];
  workloads: WorkloadResult[];
  logIn?: LogInResult;
  /** logIn with every core but one hashing (ARGON2_MAX_CONCURRENT), against bare argon2 on as many */
  logInOwnCore?: LogInResult;
  profile?: ProfileSummary & { file: string };
  explainFile?: string;
}

class Harness {
  private passSeed = 1;
  private readonly fixedRates = new Map<WorkloadName, number>();

  constructor(
    readonly options: Options,
    readonly pg: Postgres,
    readonly runId: string,
  ) {}

  private get warmupMs() {
    return this.options.warmupS * 1000;
  }
  private get durationMs() {
    return this.options.durationS * 1000;
  }

  async dataset(spec: DatasetSpec): Promise<DatasetResult> {
    const database = `shutter_${spec.name.toLowerCase()}`;
    const url = this.pg.url(database);
    log(`dataset ${spec.name}: creating database ${database} and applying migrations`);
    await adminQuery(this.pg, `CREATE DATABASE ${database}`);
    execFileSync(process.execPath, ['--import', 'tsx', 'src/db/cli/migrate.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const config = parseConfig({ ...process.env, NODE_ENV: 'production' });
    const passwordHash = await PasswordHasher.fromConfig(config).hash(BENCH_PASSWORD);
    log(`dataset ${spec.name}: generating`);
    const generated = await generateDataset(url, spec, passwordHash, log);
    log(`dataset ${spec.name}: generated in ${generated.seconds} s: ${JSON.stringify(generated.counts)}`);

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const viewers = (
      await db.query<{ id: string }>(`SELECT user_id AS id FROM sessions ORDER BY user_id`)
    ).rows.map((r) => Number(r.id));
    const busiest = await db.query<{ id: string }>(
      `SELECT u.id FROM users u JOIN sessions s ON s.user_id = u.id ORDER BY u.following_count DESC, u.id LIMIT 1`,
    );
    await db.end();

    const counter = await StatementCounter.open(this.pg.url('postgres'), database);
    const shutter = await startShutter(
      url,
      { DATABASE_POOL_SIZE: String(this.options.poolSize) },
      this.options.nodeArgs,
    );
    const floor = await startFloorProcess(url, this.options.poolSize);
    log(`dataset ${spec.name}: shutter pid ${shutter.pid}, floor pid ${floor.pid}`);
    try {
      const ctx: WorkloadContext = { spec, viewers, secondPageCursors: new Map(), passSeed: 0 };
      const verifyViewers = [
        ...new Set([viewers[0]!, viewers[1]!, viewers[2]!, Number(busiest.rows[0]!.id)]),
      ];
      const verification = await this.verify(shutter, floor, verifyViewers);
      ctx.secondPageCursors = await this.secondPageCursors(floor, viewers);
      log(
        `dataset ${spec.name}: ${ctx.secondPageCursors.size} of ${viewers.length} viewers have a second page`,
      );
      const explainFile = this.options.explain
        ? await this.explain(spec, shutter, floor, ctx, verifyViewers.at(-1)!)
        : undefined;
      const costs = await this.costs(shutter, floor, counter, ctx);
      const workloads: WorkloadResult[] = [];
      for (const workload of this.options.workloads) {
        if (workload === 'logIn') continue;
        workloads.push(await this.workload(workload, shutter, floor, counter, ctx));
      }
      const result: DatasetResult = { spec, generated, verification, costs, workloads, explainFile };
      if (this.options.workloads.includes('logIn')) {
        const cores = os.cpus().length;
        result.logIn = await this.logIn(shutter, counter, ctx, cores);
        if (cores > 1) {
          // The design that leaves the request path a core of its own: how close to bare do the
          // other cores hash then?
          const ownCore = await startShutter(
            url,
            { DATABASE_POOL_SIZE: String(this.options.poolSize), ARGON2_MAX_CONCURRENT: String(cores - 1) },
            this.options.nodeArgs,
          );
          try {
            result.logInOwnCore = await this.logIn(ownCore, counter, ctx, cores - 1);
          } finally {
            await ownCore.stop();
          }
        }
      }
      if (this.options.profile) result.profile = await this.profile(shutter, spec, ctx);
      return result;
    } catch (error) {
      console.error(`--- shutter output (last lines):\n${shutter.output().slice(-4000)}`);
      console.error(`--- floor output (last lines):\n${floor.output().slice(-2000)}`);
      throw error;
    } finally {
      await Promise.all([shutter.stop(), floor.stop()]);
      await counter.close();
    }
  }

  /** Both servers must return the same data (pages 1 and 2) before anything is timed. */
  private async verify(shutter: ServerProcess, floor: ServerProcess, viewers: number[]) {
    let pages = 0;
    for (const viewer of viewers) {
      let after: string | null = null;
      for (let page = 1; page <= 2; page++) {
        const ctx = { viewers: [viewer], passSeed: 0 } as WorkloadContext;
        const request = { ...WORKLOADS.feed.source(ctx)(0) };
        request.body = JSON.stringify({ ...JSON.parse(request.body), variables: { after } });
        const [a, b] = await Promise.all([
          requestJson(shutter.url, request),
          requestJson(floor.url, request),
        ]);
        // Only the data: extensions (e.g. a cost report) are not part of the answer.
        const difference = firstDifference(
          (a as { data: unknown }).data,
          (b as { data: unknown }).data,
          '/data',
        );
        if (difference) {
          throw new Error(`verification failed for viewer ${viewer}, page ${page}: ${difference}`);
        }
        pages++;
        const feed = (a as { data: { feed: { edges: unknown[]; pageInfo: { endCursor: string | null } } } })
          .data.feed;
        log(`  verified viewer ${viewer} page ${page}: ${feed.edges.length} posts identical`);
        after = feed.pageInfo.endCursor;
        if (!after) break;
      }
    }
    return { viewers, pages, identical: true };
  }

  private async secondPageCursors(floor: ServerProcess, viewers: number[]): Promise<Map<number, string>> {
    const cursors = new Map<number, string>();
    const queue = [...viewers];
    const worker = async () => {
      for (let viewer = queue.shift(); viewer !== undefined; viewer = queue.shift()) {
        const request = WORKLOADS.feed.source({ viewers: [viewer], passSeed: 0 } as WorkloadContext)(0);
        const json = (await requestJson(floor.url, request)) as {
          data: { feed: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
        };
        const { hasNextPage, endCursor } = json.data.feed.pageInfo;
        if (hasNextPage && endCursor) cursors.set(viewer, endCursor);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return cursors;
  }

  private nextSeed(ctx: WorkloadContext): WorkloadContext {
    return { ...ctx, passSeed: this.passSeed++ * 7919 };
  }

  /** Exact per-request costs: requests one at a time, statements from pg_stat_statements. */
  private async costs(
    shutter: ServerProcess,
    floor: ServerProcess,
    counter: StatementCounter,
    base: WorkloadContext,
  ) {
    const n = this.options.smoke ? 3 : 30;
    const ops: [string, 'shutter' | 'floor', (ctx: WorkloadContext) => RequestSource, number][] = [
      ['feed', 'floor', WORKLOADS.feed.source, n],
      ['feedPage2', 'floor', WORKLOADS.feedPage2.source, n],
      ['feed', 'shutter', WORKLOADS.feed.source, n],
      ['feedPage2', 'shutter', WORKLOADS.feedPage2.source, n],
      ['profile', 'shutter', WORKLOADS.profile.source, n],
      ['postDetail', 'shutter', WORKLOADS.postDetail.source, n],
      ['createPost', 'shutter', (ctx) => (i) => writeOf(ctx, i, 0), n],
      ['likePost', 'shutter', (ctx) => (i) => writeOf(ctx, i, 10), n],
      ['addComment', 'shutter', (ctx) => (i) => writeOf(ctx, i, 20), n],
      ['logIn', 'shutter', WORKLOADS.logIn.source, Math.min(n, 10)],
    ];
    const rows: CostRow[] = [];
    log(`costs: ${n} sequential requests per operation`);
    for (const [op, target, source, count] of ops) {
      const server = target === 'shutter' ? shutter : floor;
      const next = source(this.nextSeed(base));
      await sequential(server.url, next, 3); // warm caches and prepared statements
      const s0 = await counter.snapshot();
      const cpu0 = processCpuMs(server.pid);
      const pg0 = postgresCpuMs(this.pg.postmasterPid);
      const result = await sequential(server.url, (i) => next(i + 3), count);
      const cpu = processCpuMs(server.pid) - cpu0;
      const pgCpu = postgresCpuMs(this.pg.postmasterPid) - pg0;
      const delta = StatementCounter.delta(s0, await counter.snapshot());
      if (result.errors) throw new Error(`${target} ${op} failed: ${result.firstError}`);
      if (delta.evicted) log('  warning: pg_stat_statements evicted entries; statement counts may be low');
      rows.push({
        op,
        target,
        requests: result.requests,
        statementsPerRequest: round(delta.calls / result.requests),
        serverCpuMsPerRequest: round(cpu / result.requests),
        pgCpuMsPerRequest: round(pgCpu / result.requests),
        p50Ms: result.p50Ms,
        statements: delta.statements.map((s) => ({
          calls: s.calls,
          perRequest: round(s.calls / result.requests),
          ms: round(s.ms / s.calls, 3),
          query: s.query.replace(/\s+/g, ' ').slice(0, 400),
        })),
      });
      const row = rows.at(-1)!;
      log(
        `  ${target.padEnd(7)} ${op.padEnd(11)} ${String(row.statementsPerRequest).padStart(5)} statements/request, ` +
          `p50 ${row.p50Ms} ms, server CPU ${row.serverCpuMsPerRequest} ms, PostgreSQL CPU ${row.pgCpuMsPerRequest} ms`,
      );
    }
    return rows;
  }

  /** Runs a load against `server`, with a separate warm-up first, and reads its costs. */
  private async pass(
    target: 'shutter' | 'floor',
    server: ServerProcess,
    counter: StatementCounter,
    run: (durationMs: number, seedCtx: number) => Promise<LoadResult>,
  ): Promise<Pass> {
    await run(this.warmupMs, this.passSeed++);
    resetPeakRss(server.pid);
    await probe(server.probePort, '/reset');
    const s0 = await counter.snapshot();
    const cpu0 = processCpuMs(server.pid);
    const main0 = mainThreadCpuMs(server.pid);
    const pg0 = postgresCpuMs(this.pg.postmasterPid);
    const busy0 = machineBusyMs();
    const client0 = process.cpuUsage();
    const result = await run(this.durationMs, this.passSeed++);
    const clientCpu = process.cpuUsage(client0);
    const busy = machineBusyMs() - busy0;
    const cpu = processCpuMs(server.pid) - cpu0;
    const mainCpu = mainThreadCpuMs(server.pid) - main0;
    const pgCpu = postgresCpuMs(this.pg.postmasterPid) - pg0;
    const delta = StatementCounter.delta(s0, await counter.snapshot());
    const reading = await probe(server.probePort, '/metrics');
    const ours = cpu + pgCpu + (clientCpu.user + clientCpu.system) / 1000;
    const n = result.completed || NaN;
    return {
      target,
      ...result,
      statementsPerRequest: round(delta.calls / n),
      serverCpuMsPerRequest: round(cpu / n),
      mainThreadCpuMsPerRequest: round(mainCpu / n),
      pgCpuMsPerRequest: round(pgCpu / n),
      peakRssMiB: round(peakRssBytes(server.pid) / 1048576, 1),
      eventLoopDelayP99Ms: reading?.eventLoopDelayMs.p99 ?? NaN,
      foreignCpuCores: round(Math.max(0, busy - ours) / (result.seconds * 1000)),
    };
  }

  /** Closed-loop passes, then fixed-rate passes, Shutter and the floor alternating. */
  private async workload(
    workload: WorkloadName,
    shutter: ServerProcess,
    floor: ServerProcess,
    counter: StatementCounter,
    base: WorkloadContext,
  ): Promise<WorkloadResult> {
    const { rounds, connections } = this.options;
    const floorWorkload: WorkloadName = workload === 'feedPage2' ? 'feedPage2' : 'feed';
    const sourceFor = (target: 'shutter' | 'floor', seed: number) =>
      WORKLOADS[target === 'shutter' ? workload : floorWorkload].source({ ...base, passSeed: seed * 7919 });
    const closed = { shutter: [] as Pass[], floor: [] as Pass[], ratios: [] as number[], ratio: NaN };
    log(`${workload}: ${WORKLOADS[workload].title} (floor: ${floorWorkload})`);
    const measure = (
      target: 'shutter' | 'floor',
      server: ServerProcess,
      loop: (options: LoadOptions) => Promise<LoadResult>,
    ) =>
      this.pass(target, server, counter, (durationMs, seed) =>
        loop({ url: server.url, next: sourceFor(target, seed), warmupMs: 0, durationMs, connections }),
      );
    for (let r = 0; r < rounds; r++) {
      await this.alternating(r, shutter, floor, async (target, server) => {
        const result = await measure(target, server, closedLoop);
        closed[target].push(result);
        logPass(`closed/${connections}`, result);
      });
      closed.ratios.push(round(closed.shutter.at(-1)!.rps / closed.floor.at(-1)!.rps, 3));
    }
    closed.ratio = round(median(closed.ratios), 3);
    log(`  ${workload}: Shutter/floor throughput ${closed.ratio} (rounds: ${closed.ratios.join(', ')})`);

    const rate =
      this.options.rate ??
      this.fixedRates.get(workload) ??
      Math.max(5, Math.round(median(closed.shutter.map((p) => p.rps)) / 2));
    this.fixedRates.set(workload, rate);
    const fixedRate = { rate, shutter: [] as Pass[], floor: [] as Pass[] };
    for (let r = 0; r < rounds; r++) {
      await this.alternating(r, shutter, floor, async (target, server) => {
        const result = await measure(target, server, (options) => openLoop({ ...options, rate }));
        fixedRate[target].push(result);
        logPass(`${rate}/s`, result);
      });
    }
    return { workload, title: WORKLOADS[workload].title, floorWorkload, closed, fixedRate };
  }

  /** Round `r` of alternating passes: the floor first in even rounds, Shutter first in odd ones. */
  private async alternating(
    r: number,
    shutter: ServerProcess,
    floor: ServerProcess,
    run: (target: 'shutter' | 'floor', server: ServerProcess) => Promise<void>,
  ): Promise<void> {
    for (const target of inTurn<'shutter' | 'floor'>(r, 'floor', 'shutter'))
      await run(target, target === 'shutter' ? shutter : floor);
  }

  /**
   * logIn against bare argon2 verifications with the same parameters, alternating; the bare run
   * verifies `hashThreads` at a time (all the cores, or as many as `shutter` is configured to
   * hash at once).
   */
  private async logIn(
    shutter: ServerProcess,
    counter: StatementCounter,
    base: WorkloadContext,
    hashThreads: number,
  ): Promise<LogInResult> {
    const argon2: Pass[] = [];
    const shutterPasses: Pass[] = [];
    const ratios: number[] = [];
    let argon2Options: unknown;
    log(`logIn: ${WORKLOADS.logIn.title} (floor: bare argon2 verifications, ${hashThreads} at a time)`);
    for (let r = 0; r < this.options.rounds; r++) {
      for (const target of inTurn(r, 'argon2', 'shutter')) {
        if (target === 'argon2') {
          const bare = await bareArgon2(this.options.durationS, hashThreads);
          argon2Options = bare.options;
          argon2.push({
            ...emptyPass('argon2'),
            rps: round(bare.rate),
            requests: bare.verifies,
            serverCpuMsPerRequest: round(bare.cpuMsPerVerify),
          });
          log(`  argon2   ${round(bare.rate)} verifies/s  CPU ${round(bare.cpuMsPerVerify)} ms/verify`);
        } else {
          const result = await this.pass('shutter', shutter, counter, (durationMs, seed) =>
            closedLoop({
              url: shutter.url,
              next: WORKLOADS.logIn.source({ ...base, passSeed: seed * 7919 }),
              warmupMs: 0,
              durationMs,
              connections: this.options.connections,
            }),
          );
          shutterPasses.push(result);
          logPass(`closed/${this.options.connections}`, result);
        }
      }
      ratios.push(round(shutterPasses.at(-1)!.rps / argon2.at(-1)!.rps, 3));
    }
    const ratio = round(median(ratios), 3);
    log(`  logIn: Shutter/bare argon2 ${ratio} (rounds: ${ratios.join(', ')})`);
    const cpu = logInCpu(argon2, shutterPasses);
    log(
      `  logIn CPU per request: bare hash ${cpu.bareHashMs} ms; Shutter ${cpu.serverMs} ms (main thread ` +
        `${cpu.mainThreadMs}) + PostgreSQL ${cpu.postgresMs} + load generator ${cpu.loadGeneratorMs}` +
        (hashThreads === os.cpus().length ? ` -> ceiling with every core hashing ${cpu.ceiling}x` : ''),
    );
    return { hashThreads, argon2, shutter: shutterPasses, ratios, ratio, argon2Options, cpu };
  }

  /** A CPU profile of the Shutter process under one workload's load (taken through the probe). */
  private async profile(shutter: ServerProcess, spec: DatasetSpec, base: WorkloadContext) {
    const workload = this.options.profileWorkload;
    const file = path.join(ROOT, 'bench', 'results', `${this.runId}-${spec.name}-${workload}.cpuprofile`);
    log(`profile: V8 CPU profile of Shutter under the ${workload} load, ${this.options.durationS} s`);
    const next = WORKLOADS[workload].source(this.nextSeed(base));
    const load = (durationMs: number) =>
      closedLoop({ url: shutter.url, next, warmupMs: 0, durationMs, connections: this.options.connections });
    await load(this.warmupMs);
    await probeGet(shutter.probePort, '/profile/start');
    await load(this.durationMs);
    await probeGet(shutter.probePort, `/profile/stop?file=${encodeURIComponent(file)}`);
    return { ...summarizeProfile(file), file: path.relative(ROOT, file) };
  }

  /** auto_explain (ANALYZE, BUFFERS) of every statement of a few feed requests, saved to a file. */
  private async explain(
    spec: DatasetSpec,
    shutter: ServerProcess,
    floor: ServerProcess,
    base: WorkloadContext,
    busiestViewer: number,
  ) {
    const logFile = path.join(this.pg.dir, 'pg.log');
    const setMinDuration = async (value: string) => {
      await adminQuery(this.pg, `ALTER SYSTEM SET auto_explain.log_min_duration = '${value}'`);
      await adminQuery(this.pg, `SELECT pg_reload_conf()`);
      await new Promise((r) => setTimeout(r, 300));
    };
    const from = fs.statSync(logFile).size;
    await setMinDuration('0');
    try {
      for (const viewer of [base.viewers[0]!, busiestViewer]) {
        const ctx = { ...base, viewers: [viewer], passSeed: 0 };
        for (const server of [floor, shutter]) {
          await requestJson(server.url, WORKLOADS.feed.source(ctx)(0));
        }
      }
    } finally {
      await setMinDuration('-1');
    }
    const text = fs.readFileSync(logFile, 'utf8').slice(from);
    const file = path.join(ROOT, 'bench', 'results', `${this.runId}-explain-${spec.name}.txt`);
    fs.writeFileSync(
      file,
      `EXPLAIN ANALYZE (auto_explain) of the home feed: viewers ${base.viewers[0]} and ${busiestViewer}, ` +
        `floor then Shutter for each\n\n${text}`,
    );
    log(`explain: plans written to ${path.relative(ROOT, file)}`);
    return path.relative(ROOT, file);
  }
}

/** `first` then `second` in even rounds, the other way round in odd ones. */
const inTurn = <T>(r: number, first: T, second: T): [T, T] =>
  r % 2 === 0 ? [first, second] : [second, first];

function logInCpu(argon2: Pass[], shutter: Pass[]): LogInCpu {
  const med = (passes: Pass[], key: keyof Pass) => round(median(passes.map((p) => Number(p[key]))));
  const cpu = {
    bareHashMs: med(argon2, 'serverCpuMsPerRequest'),
    serverMs: med(shutter, 'serverCpuMsPerRequest'),
    mainThreadMs: med(shutter, 'mainThreadCpuMsPerRequest'),
    postgresMs: med(shutter, 'pgCpuMsPerRequest'),
    loadGeneratorMs: med(shutter, 'clientCpuMsPerRequest'),
  };
  return {
    ...cpu,
    ceiling: round(cpu.bareHashMs / (cpu.serverMs + cpu.postgresMs + cpu.loadGeneratorMs), 3),
  };
}

function emptyPass(target: Pass['target']): Pass {
  return {
    target,
    completed: 0,
    requests: 0,
    errors: 0,
    seconds: 0,
    rps: 0,
    p50Ms: NaN,
    p90Ms: NaN,
    p99Ms: NaN,
    maxMs: NaN,
    clientCpuMsPerRequest: NaN,
    statementsPerRequest: NaN,
    serverCpuMsPerRequest: NaN,
    mainThreadCpuMsPerRequest: NaN,
    pgCpuMsPerRequest: NaN,
    peakRssMiB: NaN,
    eventLoopDelayP99Ms: NaN,
    foreignCpuCores: NaN,
  };
}

function logPass(mode: string, p: Pass): void {
  log(
    `  ${p.target.padEnd(8)} ${mode.padEnd(10)} ${String(p.rps).padStart(8)} req/s  p50 ${p.p50Ms} ms  p99 ${p.p99Ms} ms  ` +
      `${p.statementsPerRequest} stmt/req  CPU ${p.serverCpuMsPerRequest}+${p.pgCpuMsPerRequest} ms/req  ` +
      `ELD p99 ${p.eventLoopDelayP99Ms} ms  RSS ${p.peakRssMiB} MiB  other load ${p.foreignCpuCores} cores` +
      (p.errors ? `  ERRORS ${p.errors}: ${p.firstError}` : ''),
  );
}

async function bareArgon2(
  seconds: number,
  concurrency: number,
): Promise<{ verifies: number; rate: number; cpuMsPerVerify: number; options: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/argon2-bare.ts', String(seconds), String(concurrency)],
      {
        cwd: ROOT,
        env: { ...process.env, ...SHUTTER_BENCH_ENV },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`argon2-bare exited ${code}`)),
    );
  });
}

async function probeGet(port: number, pathAndQuery: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`);
  if (!res.ok) throw new Error(`probe ${pathAndQuery}: ${await res.text()}`);
}

async function adminQuery(pgServer: Postgres, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgServer.url('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The first path where two JSON values differ, or null. */
function firstDifference(a: unknown, b: unknown, at: string): string | null {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    return `${at || '/'}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
  }
  if (a && typeof a === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const key of keys) {
      const d = firstDifference(ao[key], bo[key], `${at}/${key}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

function describeMachine(pgVersion: string) {
  const cpus = os.cpus();
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT }).toString().trim();
    dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT }).toString().trim() !== '';
  } catch {
    // not a git checkout
  }
  return {
    commit,
    dirty,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
      node: process.version,
      postgres: pgVersion,
      os: `${os.type()} ${os.release()}`,
      loadAverageAtStart: loadAverage(),
    },
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = new Date();
  const runId = started.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const pgServer = await startPostgres(log);
  let stopping = false;
  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    pgServer.stop();
  };
  process.once('SIGINT', () => (stopAll(), process.exit(130)));
  process.once('SIGTERM', () => (stopAll(), process.exit(143)));
  const header = describeMachine(pgServer.version);
  const results: DatasetResult[] = [];
  try {
    const harness = new Harness(options, pgServer, runId);
    for (const size of options.sizes) results.push(await harness.dataset(DATASETS[size]!));
  } finally {
    stopAll();
  }
  const report = {
    runId,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    ...header,
    loadAverageAtEnd: loadAverage(),
    options,
    postgresSettings: SERVER_SETTINGS,
    serverEnv: SHUTTER_BENCH_ENV,
    targets: checkTargets(results),
    datasets: results,
  };
  const file = path.join(ROOT, 'bench', 'results', `${runId}-${options.sizes.join('-')}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  printReport(report);
  log(`results written to ${path.relative(ROOT, file)}`);
  const failed = results.some((d) =>
    d.workloads.some((w) => [...w.closed.shutter, ...w.closed.floor].some((p) => p.errors > 0)),
  );
  if (failed) {
    console.error('some requests failed: see the errors column');
    process.exitCode = 1;
  }
}

export type Report = {
  runId: string;
  commit: string;
  dirty: boolean;
  machine: ReturnType<typeof describeMachine>['machine'];
  loadAverageAtEnd: number[];
  options: Options;
  datasets: DatasetResult[];
};

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
