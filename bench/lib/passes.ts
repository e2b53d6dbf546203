/** One measured pass against one server, and the order the two servers take turns in. */
import type { RunContext } from './context';
import { closedLoop, type LoadOptions, type LoadResult, type RequestSource } from './load';
import {
  StatementCounter,
  machineBusyMs,
  mainThreadCpuMs,
  peakRssBytes,
  postgresCpuMs,
  probe,
  processCpuMs,
  resetPeakRss,
} from './metrics';
import type { ServerProcess } from './processes';
import { round } from './stats';
import type { Pass, ServerName } from './types';

/**
 * Runs `loop` against `server` with the requests of `source`, with a separate warm-up first
 * (each run with a new seed), and reads its costs.
 */
export async function measurePass(
  run: RunContext,
  counter: StatementCounter,
  target: ServerName,
  server: ServerProcess,
  source: (seed: number) => RequestSource,
  loop: (options: LoadOptions) => Promise<LoadResult> = closedLoop,
): Promise<Pass> {
  const load = (durationMs: number, seed: number) =>
    loop({
      url: server.url,
      next: source(seed),
      warmupMs: 0,
      durationMs,
      connections: run.options.connections,
    });
  await load(run.warmupMs, run.nextSeed());
  resetPeakRss(server.pid);
  await probe(server.probePort, '/reset');
  const s0 = await counter.snapshot();
  const cpu0 = processCpuMs(server.pid);
  const main0 = mainThreadCpuMs(server.pid);
  const pg0 = postgresCpuMs(run.pg.postmasterPid);
  const busy0 = machineBusyMs();
  const client0 = process.cpuUsage();
  const result = await load(run.durationMs, run.nextSeed());
  const clientCpu = process.cpuUsage(client0);
  const busy = machineBusyMs() - busy0;
  const cpu = processCpuMs(server.pid) - cpu0;
  const mainCpu = mainThreadCpuMs(server.pid) - main0;
  const pgCpu = postgresCpuMs(run.pg.postmasterPid) - pg0;
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

/**
 * `first` then `second` in even rounds, the other way round in odd ones, so machine noise
 * hits both alike.
 */
export const inTurn = <T>(r: number, first: T, second: T): [T, T] =>
  r % 2 === 0 ? [first, second] : [second, first];
