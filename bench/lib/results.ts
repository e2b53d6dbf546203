/** The run's JSON file in bench/results: what ran, where, and every figure. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunContext } from './context';
import { loadAverage } from './metrics';
import { SERVER_SETTINGS } from './postgres';
import { ROOT, shutterBenchEnv } from './processes';
import { checkTargets } from './report';
import { round } from './stats';
import type { DatasetResult, Machine, Report } from './types';

/** The commit measured and the machine, taken when the run starts. */
export function describeMachine(pgVersion: string): { commit: string; dirty: boolean; machine: Machine } {
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

/** Writes the report of a finished run; returns it and the file's path relative to the project. */
export function writeResults(
  run: RunContext,
  startedAt: Date,
  header: ReturnType<typeof describeMachine>,
  datasets: DatasetResult[],
): { report: Report; file: string } {
  const report: Report = {
    runId: run.runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ...header,
    loadAverageAtEnd: loadAverage(),
    options: run.options,
    postgresSettings: SERVER_SETTINGS,
    serverEnv: shutterBenchEnv(),
    targets: checkTargets(datasets),
    datasets,
  };
  const file = run.resultFile(`${run.options.sizes.join('-')}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return { report, file: path.relative(ROOT, file) };
}

/** Whether a request of a closed-loop pass failed. */
export const anyRequestFailed = (datasets: DatasetResult[]) =>
  datasets.some((d) =>
    d.workloads.some((w) => [...w.closed.shutter, ...w.closed.floor].some((p) => p.errors > 0)),
  );
