/**
 * One dataset of a run: its database (migrations, then the generated data), Shutter and the
 * floor started on it, then every stage in turn (see bench/README.md, "What a run does").
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { PasswordHasher } from '../../src/security/passwords';
import { parseConfig } from '../../src/config';
import type { RunContext, Servers } from './context';
import { measureCosts } from './costs';
import { BENCH_PASSWORD, generateDataset, type DatasetSpec, type Generated } from './dataset';
import { explainFeed, profileUnderLoad } from './diagnostics';
import { log } from './log';
import { compareCompression } from './compression';
import { compareLogIns } from './login';
import { StatementCounter } from './metrics';
import { adminQuery } from './postgres';
import { ROOT, startFloorProcess } from './processes';
import type { DatasetResult, WorkloadResult } from './types';
import { secondPageCursors, verifyFeeds } from './verify';
import { runWorkload } from './workload-rounds';
import type { WorkloadContext } from './workloads';

export async function runDataset(run: RunContext, spec: DatasetSpec): Promise<DatasetResult> {
  const { options } = run;
  const { database, url, generated } = await createDatabase(run, spec);
  const { viewers, busiest, writablePosts } = await sessionViewers(url);

  const counter = await StatementCounter.open(run.pg.url('postgres'), database);
  const shutter = await run.startShutter(url);
  const floor = await startFloorProcess(url, options.poolSize);
  const servers: Servers = { shutter, floor, counter };
  log(`dataset ${spec.name}: shutter pid ${shutter.pid}, floor pid ${floor.pid}`);
  try {
    const base = baseContext(spec, viewers, writablePosts);
    const verifyViewers = [...new Set([viewers[0]!, viewers[1]!, viewers[2]!, busiest])];
    const verification = await verifyFeeds(shutter, floor, verifyViewers);
    base.secondPageCursors = await secondPageCursors(floor, viewers);
    log(
      `dataset ${spec.name}: ${base.secondPageCursors.size} of ${viewers.length} viewers have a second page`,
    );
    const explainFile = options.explain
      ? await explainFeed(run, spec, servers, viewers[0]!, busiest)
      : undefined;
    const costs = await measureCosts(run, servers, base);
    const workloads: WorkloadResult[] = [];
    for (const workload of options.workloads) {
      if (workload === 'logIn') continue;
      workloads.push(await runWorkload(run, workload, servers, base));
    }
    const result: DatasetResult = { spec, generated, verification, costs, workloads, explainFile };
    if (options.compression) result.compression = await compareCompression(run, servers, base);
    if (options.workloads.includes('logIn')) {
      const { logIn, logInOwnCore } = await compareLogIns(run, url, servers, base);
      result.logIn = logIn;
      if (logInOwnCore) result.logInOwnCore = logInOwnCore;
    }
    if (options.profile) result.profile = await profileUnderLoad(run, shutter, spec, base);
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

/** The schema from the project's migrations, then the data (every password `BENCH_PASSWORD`). */
export async function createDatabase(
  run: RunContext,
  spec: DatasetSpec,
): Promise<{ database: string; url: string; generated: Generated }> {
  const database = `shutter_${spec.name.toLowerCase()}`;
  const url = run.pg.url(database);
  log(`dataset ${spec.name}: creating database ${database} and applying migrations`);
  await adminQuery(run.pg, `CREATE DATABASE ${database}`);
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
  return { database, url, generated };
}

/** The users with a session, and among them the one who follows the most accounts. */
/** The workloads' context at the start of a dataset: its viewers, and the posts writes pick. */
export const baseContext = (
  spec: DatasetSpec,
  viewers: number[],
  writablePosts: number[],
): WorkloadContext => ({
  spec,
  viewers,
  secondPageCursors: new Map(),
  passSeed: 0,
  writablePosts: spec.privacy ? writablePosts : undefined,
});

export async function sessionViewers(
  url: string,
): Promise<{ viewers: number[]; busiest: number; writablePosts: number[] }> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const viewers = (
      await db.query<{ id: string }>(`SELECT user_id AS id FROM sessions ORDER BY user_id`)
    ).rows.map((r) => Number(r.id));
    const busiest = await db.query<{ id: string }>(
      `SELECT u.id FROM users u JOIN sessions s ON s.user_id = u.id ORDER BY u.following_count DESC, u.id LIMIT 1`,
    );
    // With --privacy a random post may be one a viewer cannot see (a private or blocking
    // author), and liking it is rightly NOT_FOUND; writes then pick from posts every viewer
    // sees: by public authors in no block.
    const writablePosts = (
      await db.query<{ id: string }>(
        `SELECT p.id FROM posts p JOIN users u ON u.id = p.author_id
         WHERE NOT u.is_private
           AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = u.id OR b.blocked_id = u.id)
         ORDER BY p.id LIMIT 20000`,
      )
    ).rows.map((r) => Number(r.id));
    return { viewers, busiest: Number(busiest.rows[0]!.id), writablePosts };
  } finally {
    await db.end();
  }
}
