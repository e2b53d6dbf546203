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
 * See bench/README.md for what is measured and how to read the output; the stages are in lib/.
 */
import { RunContext } from './lib/context';
import { DATASETS } from './lib/dataset';
import { runDataset } from './lib/dataset-run';
import { log } from './lib/log';
import { parseOptions } from './lib/options';
import { startPostgres } from './lib/postgres';
import { printReport } from './lib/report';
import { anyRequestFailed, describeMachine, writeResults } from './lib/results';
import type { DatasetResult } from './lib/types';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
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
  const run = new RunContext(options, pgServer, runId);
  const results: DatasetResult[] = [];
  try {
    for (const size of options.sizes)
      results.push(await runDataset(run, { ...DATASETS[size]!, privacy: options.privacy }));
  } finally {
    stopAll();
  }
  const { report, file } = writeResults(run, started, header, results);
  printReport(report);
  log(`results written to ${file}`);
  if (anyRequestFailed(results)) {
    console.error('some requests failed: see the errors column');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
