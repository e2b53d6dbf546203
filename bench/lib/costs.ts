/** Exact per-request costs: requests one at a time, statements from pg_stat_statements. */
import type { RunContext, Servers } from './context';
import { sequential, type RequestSource } from './load';
import { log } from './log';
import { StatementCounter, postgresCpuMs, processCpuMs } from './metrics';
import { round } from './stats';
import type { CostRow, ServerName } from './types';
import { WORKLOADS, taggedPost, writeOf, type WorkloadContext } from './workloads';

export async function measureCosts(run: RunContext, servers: Servers, base: WorkloadContext) {
  const n = run.options.smoke ? 3 : 30;
  const ops: [string, ServerName, (ctx: WorkloadContext) => RequestSource, number][] = [
    ['feed', 'floor', WORKLOADS.feed.source, n],
    ['feedPage2', 'floor', WORKLOADS.feedPage2.source, n],
    ['feed50', 'floor', WORKLOADS.feed50.source, n],
    ['feed', 'shutter', WORKLOADS.feed.source, n],
    ['feedPage2', 'shutter', WORKLOADS.feedPage2.source, n],
    ['feed50', 'shutter', WORKLOADS.feed50.source, n],
    ['profile', 'shutter', WORKLOADS.profile.source, n],
    ['postDetail', 'shutter', WORKLOADS.postDetail.source, n],
    ['hashtagPage', 'shutter', WORKLOADS.hashtagPage.source, n],
    ['createPost', 'shutter', (ctx) => (i) => writeOf(ctx, i, 0), n],
    ['createPostTagged', 'shutter', (ctx) => (i) => taggedPost(ctx, i), n],
    ['likePost', 'shutter', (ctx) => (i) => writeOf(ctx, i, 10), n],
    ['addComment', 'shutter', (ctx) => (i) => writeOf(ctx, i, 20), n],
    ['logIn', 'shutter', WORKLOADS.logIn.source, Math.min(n, 10)],
  ];
  const { counter } = servers;
  const rows: CostRow[] = [];
  log(`costs: ${n} sequential requests per operation`);
  for (const [op, target, source, count] of ops) {
    const server = servers[target];
    const next = source(run.nextContext(base));
    await sequential(server.url, next, 3); // warm caches and prepared statements
    const s0 = await counter.snapshot();
    const cpu0 = processCpuMs(server.pid);
    const pg0 = postgresCpuMs(run.pg.postmasterPid);
    const result = await sequential(server.url, (i) => next(i + 3), count);
    const cpu = processCpuMs(server.pid) - cpu0;
    const pgCpu = postgresCpuMs(run.pg.postmasterPid) - pg0;
    const delta = StatementCounter.delta(s0, await counter.snapshot());
    if (result.errors) throw new Error(`${target} ${op} failed: ${result.firstError}`);
    if (delta.evicted) log('  warning: pg_stat_statements evicted entries; statement counts may be low');
    const row: CostRow = {
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
    };
    rows.push(row);
    log(
      `  ${target.padEnd(7)} ${op.padEnd(11)} ${String(row.statementsPerRequest).padStart(5)} statements/request, ` +
        `p50 ${row.p50Ms} ms, server CPU ${row.serverCpuMsPerRequest} ms, PostgreSQL CPU ${row.pgCpuMsPerRequest} ms`,
    );
  }
  return rows;
}
