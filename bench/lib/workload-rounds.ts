/** A workload's alternating rounds: closed-loop passes, then fixed-rate passes, Shutter and the floor in turn. */
import { seeded, type RunContext, type Servers } from './context';
import { closedLoop, openLoop, type LoadOptions, type LoadResult } from './load';
import { log, logPass } from './log';
import { inTurn, measurePass } from './passes';
import { median, round } from './stats';
import type { Pass, ServerName, WorkloadResult } from './types';
import { WORKLOADS, type WorkloadContext, type WorkloadName } from './workloads';

export async function runWorkload(
  run: RunContext,
  workload: WorkloadName,
  servers: Servers,
  base: WorkloadContext,
): Promise<WorkloadResult> {
  const { rounds, connections } = run.options;
  // The floor answers the feed's pages only: every other workload is held against its page 1.
  const floorWorkload: WorkloadName = workload === 'feedPage2' || workload === 'feed50' ? workload : 'feed';
  log(`${workload}: ${WORKLOADS[workload].title} (floor: ${floorWorkload})`);
  /** Round `r`: the floor first in even rounds, Shutter first in odd ones. */
  const alternating = async (
    r: number,
    loop: (options: LoadOptions) => Promise<LoadResult>,
    record: (target: ServerName, pass: Pass) => void,
  ) => {
    for (const target of inTurn<ServerName>(r, 'floor', 'shutter')) {
      const source = (seed: number) =>
        WORKLOADS[target === 'shutter' ? workload : floorWorkload].source(seeded(base, seed));
      record(target, await measurePass(run, servers.counter, target, servers[target], source, loop));
    }
  };

  if (run.options.firstWarmupS > 0) {
    log(`  warm-up: ${run.options.firstWarmupS} s of this load on each server, not measured`);
    for (const target of ['floor', 'shutter'] as const) {
      await closedLoop({
        url: servers[target].url,
        next: WORKLOADS[target === 'shutter' ? workload : floorWorkload].source(seeded(base, run.nextSeed())),
        warmupMs: 0,
        durationMs: run.options.firstWarmupS * 1000,
        connections,
      });
    }
  }
  const closed = { shutter: [] as Pass[], floor: [] as Pass[], ratios: [] as number[], ratio: NaN };
  for (let r = 0; r < rounds; r++) {
    await alternating(r, closedLoop, (target, pass) => {
      closed[target].push(pass);
      logPass(`closed/${connections}`, pass);
    });
    closed.ratios.push(round(closed.shutter.at(-1)!.rps / closed.floor.at(-1)!.rps, 3));
  }
  closed.ratio = round(median(closed.ratios), 3);
  log(`  ${workload}: Shutter/floor throughput ${closed.ratio} (rounds: ${closed.ratios.join(', ')})`);

  const rate =
    run.options.rate ??
    run.fixedRates.get(workload) ??
    Math.max(5, Math.round(median(closed.shutter.map((p) => p.rps)) / 2));
  run.fixedRates.set(workload, rate);
  const fixedRate = { rate, shutter: [] as Pass[], floor: [] as Pass[] };
  for (let r = 0; r < rounds; r++) {
    await alternating(
      r,
      (options) => openLoop({ ...options, rate }),
      (target, pass) => {
        fixedRate[target].push(pass);
        logPass(`${rate}/s`, pass);
      },
    );
  }
  return { workload, title: WORKLOADS[workload].title, floorWorkload, closed, fixedRate };
}
