/**
 * The shapes of a run's results: what the stages return, the console report reads and the JSON
 * file holds. Types only, so every module can import them without a cycle.
 */
import type { DatasetSpec, Generated } from './dataset';
import type { LoadResult } from './load';
import type { Options } from './options';
import type { AllocationSummary, ProfileSummary } from './profile';
import type { WorkloadName } from './workloads';

/** The two measured servers. */
export type ServerName = 'shutter' | 'floor';

/** Figures of one measured pass against one server. */
export interface Pass extends LoadResult {
  target: ServerName | 'argon2';
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
  target: ServerName;
  requests: number;
  statementsPerRequest: number;
  serverCpuMsPerRequest: number;
  pgCpuMsPerRequest: number;
  p50Ms: number;
  statements: { calls: number; perRequest: number; ms: number; query: string }[];
}

/** The encodings a client asks for in the compression comparison (`identity`: none). */
export type Encoding = 'identity' | 'gzip' | 'br';

/** One encoding's figures: medians over the rounds, the ratio to identity round by round. */
export interface CompressionFigures {
  /** size of one home-feed response as sent */
  bytes: number;
  rps: number;
  /** throughput over the identity pass of the same round */
  throughputRatio: number;
  serverCpuMsPerRequest: number;
  /** serverCpuMsPerRequest minus identity's */
  extraCpuMsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
}

export interface CompressionResult {
  workload: string;
  passes: Record<Encoding, Pass[]>;
  byEncoding: Record<Encoding, CompressionFigures>;
  /** ms to compress one response in the benchmark's process, per method */
  compressMs: Record<string, number>;
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
  /** `--compression`: the home feed asking for identity, gzip and br */
  compression?: CompressionResult;
  profile?: ProfileSummary & { file: string; allocations?: AllocationSummary & { file: string } };
  explainFile?: string;
}

export interface TargetCheck {
  target: string;
  value: string;
  met: boolean | null;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  os: string;
  loadAverageAtStart: number[];
}

/** The whole run: the JSON file in bench/results. */
export interface Report {
  runId: string;
  startedAt: string;
  finishedAt: string;
  commit: string;
  dirty: boolean;
  machine: Machine;
  loadAverageAtEnd: number[];
  options: Options;
  postgresSettings: Record<string, string>;
  serverEnv: Record<string, string>;
  targets: TargetCheck[];
  datasets: DatasetResult[];
}
