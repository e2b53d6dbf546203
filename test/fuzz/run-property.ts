import fc from 'fast-check';
import type { FuzzCase } from './cases';
import { exercise, type Fuzzer } from './exercise';
import { seedFor, type FuzzSettings, type TimeBudget } from './settings';

export interface PropertyRun {
  /** the jest test's full name: the seed derives from it, and `-t` replays it */
  name: string;
  cases: fc.Arbitrary<FuzzCase>;
  /** the sweep (sweep.ts): every one runs, whatever the time budget */
  examples: FuzzCase[];
  /** random cases after the sweep */
  runs: number;
  /** the random cases' time */
  budget: TimeBudget;
}

/**
 * Runs the property with fast-check: the sweep first, in full, then random cases within their
 * time limit (shrinking included). A failure becomes one message: the shrunk request and how
 * to replay it (fast-check's own report would print generated values whole, 100 KB strings
 * included). With FUZZ_PATH set, the sweep is skipped: the path points into the random cases.
 */
export async function runProperty(fuzzer: Fuzzer, run: PropertyRun, settings: FuzzSettings): Promise<void> {
  // A time limit abandons the case in flight rather than stopping it: it must end before the
  // next property starts, or its requests would overlap that property's table digests.
  let inFlight: Promise<void> = Promise.resolve();
  const property = fc.asyncProperty(run.cases, (fuzzCase) => (inFlight = exercise(fuzzer, fuzzCase)));
  const seed = seedFor(settings.seed, run.name);
  if (run.examples.length > 0 && !settings.path) {
    const examples = run.examples.map((example) => [example] as [FuzzCase]);
    const swept = await fc.check(property, { seed, examples, numRuns: examples.length });
    const replay = `npm run test:unit -- test/fuzz -t '${run.name}'`;
    if (swept.failed) throw failure(swept, `the sweep, at case ${swept.numRuns}`, replay);
  }
  const started = Date.now();
  const details = await fc.check(property, {
    seed,
    numRuns: run.runs,
    path: settings.path,
    plugins: [fc.interruptAfterTimeLimit(run.budget.share(run.runs))],
  });
  await inFlight.catch(() => undefined);
  run.budget.spent(Date.now() - started, run.runs, details.numRuns);
  // Out of time before a random case ran is no failure (fast-check reports it as one, with no
  // counterexample): the sweep has run in full, and the budget only bounds the extra cases.
  if (!details.failed || (details.interrupted && details.counterexample === null)) return;
  const where = `random case ${details.numRuns}, shrunk ${details.numShrinks} time(s)`;
  const replay = `FUZZ_SEED=${settings.seed} FUZZ_PATH=${details.counterexamplePath} npm run fuzz -- -t '${run.name}'`;
  throw failure(details, where, replay);
}

function failure<T>(details: fc.RunDetails<T>, where: string, replay: string): Error {
  const error = details.errorInstance;
  return new Error(
    `failed in ${where}; replay: ${replay}\n${error instanceof Error ? error.message : String(error)}`,
  );
}
