/**
 * What the stages of a run share: its options and PostgreSQL, one sequence of pass seeds (so
 * no two passes replay the same requests, across datasets too) and the fixed rates chosen on
 * the first dataset.
 */
import path from 'node:path';
import type { StatementCounter } from './metrics';
import type { Options } from './options';
import type { Postgres } from './postgres';
import { ROOT, startShutter, type ServerProcess } from './processes';
import type { WorkloadContext, WorkloadName } from './workloads';

export class RunContext {
  private seed = 1;
  /** the fixed rate of each workload's latency passes, kept for the later datasets of the run */
  readonly fixedRates = new Map<WorkloadName, number>();

  constructor(
    readonly options: Options,
    readonly pg: Postgres,
    readonly runId: string,
  ) {}

  get warmupMs() {
    return this.options.warmupS * 1000;
  }
  get durationMs() {
    return this.options.durationS * 1000;
  }

  nextSeed(): number {
    return this.seed++;
  }

  /** The requests of a new pass. */
  nextContext(base: WorkloadContext): WorkloadContext {
    return seeded(base, this.nextSeed());
  }

  /** A file of this run in bench/results. */
  resultFile(suffix: string): string {
    return path.join(ROOT, 'bench', 'results', `${this.runId}-${suffix}`);
  }

  /** Shutter with the run's pool size and Node flags. */
  startShutter(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
    return startShutter(
      databaseUrl,
      { DATABASE_POOL_SIZE: String(this.options.poolSize), ...env },
      { nodeArgs: this.options.nodeArgs },
    );
  }
}

/**
 * `base` for seed `seed`, multiplied so that the salts the workloads derive from it
 * (passSeed + 0..6) never coincide between passes.
 */
export const seeded = (base: WorkloadContext, seed: number): WorkloadContext => ({
  ...base,
  passSeed: seed * 7919,
});

/** One dataset's two servers and the counter of its SQL statements. */
export interface Servers {
  shutter: ServerProcess;
  floor: ServerProcess;
  counter: StatementCounter;
}
