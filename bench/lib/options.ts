/** The command line of `npm run bench` (see bench/README.md for each option). */
import { parseArgs } from 'node:util';
import { DATASETS } from './dataset';
import { WORKLOADS, type WorkloadName } from './workloads';

export interface Options {
  sizes: string[];
  smoke: boolean;
  durationS: number;
  warmupS: number;
  /**
   * an unmeasured load on each server before a workload's first round: a fresh Shutter process
   * is still compiling its hot paths and sizing its heap (its first round read 30-40% below the
   * next ones), the floor's few functions are warm at once
   */
  firstWarmupS: number;
  rounds: number;
  connections: number;
  /** fixed request rate for the latency passes; default: half Shutter's closed-loop rate */
  rate?: number;
  workloads: WorkloadName[];
  profile: boolean;
  /** the load the CPU profile is taken under */
  profileWorkload: WorkloadName;
  explain: boolean;
  /** the home feed asking for identity, gzip and br in turn (what compression costs the server) */
  compression: boolean;
  poolSize: number;
  /** extra node flags for the Shutter process, e.g. "--max-semi-space-size=64" */
  nodeArgs: string[];
  /** datasets with private accounts, blocks and mutes (DatasetSpec.privacy) */
  privacy: boolean;
}

const ALL_WORKLOADS = Object.keys(WORKLOADS) as WorkloadName[];

export function parseOptions(argv: string[]): Options {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      smoke: { type: 'boolean' },
      size: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'first-warmup': { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      rate: { type: 'string' },
      'pool-size': { type: 'string' },
      workloads: { type: 'string' },
      'node-args': { type: 'string' },
      profile: { type: 'boolean' },
      'profile-workload': { type: 'string' },
      explain: { type: 'boolean' },
      compression: { type: 'boolean' },
      privacy: { type: 'boolean' },
    },
  });
  const num = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const smoke = v.smoke ?? false;
  const options: Options = {
    // --smoke: a tiny dataset and short passes, to keep the harness working (CI)
    ...(smoke
      ? { sizes: ['smoke'], durationS: 1.5, warmupS: 0.5, firstWarmupS: 0, rounds: 1, rate: 20 }
      : { sizes: ['S'], durationS: 10, warmupS: 3, firstWarmupS: 15, rounds: 3 }),
    smoke,
    connections: 50,
    workloads: ALL_WORKLOADS,
    profile: v.profile ?? v['profile-workload'] !== undefined,
    profileWorkload: (v['profile-workload'] ?? 'feed') as WorkloadName,
    explain: v.explain ?? false,
    compression: v.compression ?? false,
    poolSize: 10,
    nodeArgs: [],
    privacy: v.privacy ?? false,
  };
  if (v.size !== undefined) options.sizes = v.size.split(',');
  options.durationS = num(v.duration) ?? options.durationS;
  options.warmupS = num(v.warmup) ?? options.warmupS;
  options.firstWarmupS = num(v['first-warmup']) ?? options.firstWarmupS;
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
