/** The optional diagnostics, each written to a file of its own: --profile and --explain. */
import fs from 'node:fs';
import path from 'node:path';
import type { RunContext, Servers } from './context';
import type { DatasetSpec } from './dataset';
import { closedLoop, requestJson } from './load';
import { log } from './log';
import { adminQuery } from './postgres';
import { ROOT, type ServerProcess } from './processes';
import { summarizeAllocations, summarizeProfile } from './profile';
import type { DatasetResult } from './types';
import { WORKLOADS, feedRequest, type WorkloadContext } from './workloads';

/** A CPU profile of the Shutter process under one workload's load (taken through the probe). */
export async function profileUnderLoad(
  run: RunContext,
  shutter: ServerProcess,
  spec: DatasetSpec,
  base: WorkloadContext,
): Promise<NonNullable<DatasetResult['profile']>> {
  const { durationS, connections, profileWorkload: workload } = run.options;
  const file = run.resultFile(`${spec.name}-${workload}.cpuprofile`);
  log(`profile: V8 CPU profile of Shutter under the ${workload} load, ${durationS} s`);
  const next = WORKLOADS[workload].source(run.nextContext(base));
  const load = (durationMs: number) =>
    closedLoop({ url: shutter.url, next, warmupMs: 0, durationMs, connections });
  await load(run.warmupMs);
  await probeGet(shutter.probePort, '/profile/start');
  await load(run.durationMs);
  await probeGet(shutter.probePort, `/profile/stop?file=${encodeURIComponent(file)}`);
  // Apart from the CPU profile, whose figures the sampling would distort.
  const heapFile = run.resultFile(`${spec.name}-${workload}.heapprofile`);
  await probeGet(shutter.probePort, '/allocations/start');
  const { completed } = await load(run.durationMs);
  await probeGet(shutter.probePort, `/allocations/stop?file=${encodeURIComponent(heapFile)}`);
  return {
    ...summarizeProfile(file),
    file: path.relative(ROOT, file),
    allocations: { ...summarizeAllocations(heapFile, completed), file: path.relative(ROOT, heapFile) },
  };
}

export async function probeGet(port: number, pathAndQuery: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`);
  if (!res.ok) throw new Error(`probe ${pathAndQuery}: ${await res.text()}`);
}

/**
 * auto_explain (ANALYZE, BUFFERS) of every statement of the home feed of the first viewer and
 * of the busiest one, floor then Shutter, saved to a file; returns its path.
 */
export async function explainFeed(
  run: RunContext,
  spec: DatasetSpec,
  { shutter, floor }: Servers,
  firstViewer: number,
  busiestViewer: number,
): Promise<string> {
  const logFile = path.join(run.pg.dir, 'pg.log');
  const setMinDuration = async (value: string) => {
    await adminQuery(run.pg, `ALTER SYSTEM SET auto_explain.log_min_duration = '${value}'`);
    await adminQuery(run.pg, `SELECT pg_reload_conf()`);
    await new Promise((r) => setTimeout(r, 300));
  };
  const from = fs.statSync(logFile).size;
  await setMinDuration('0');
  try {
    for (const viewer of [firstViewer, busiestViewer]) {
      for (const server of [floor, shutter]) await requestJson(server.url, feedRequest(viewer));
    }
  } finally {
    await setMinDuration('-1');
  }
  const text = fs.readFileSync(logFile, 'utf8').slice(from);
  const file = run.resultFile(`explain-${spec.name}.txt`);
  fs.writeFileSync(
    file,
    `EXPLAIN ANALYZE (auto_explain) of the home feed: viewers ${firstViewer} and ${busiestViewer}, ` +
      `floor then Shutter for each\n\n${text}`,
  );
  log(`explain: plans written to ${path.relative(ROOT, file)}`);
  return path.relative(ROOT, file);
}
