/**
 * How long and with which seed the fuzzer runs. `npm test` runs it short, with a fixed seed,
 * so that it is bounded and repeatable; `npm run fuzz` (FUZZ_LONG=1) runs it for minutes with a
 * random seed, printed at the start.
 *
 *   FUZZ_SEED=<n>     replay a run (each property's seed derives from it)
 *   FUZZ_RUNS=<n>     random cases per property (one property per target and transport)
 *   FUZZ_SECONDS=<n>  time budget of the random cases of all properties together (the sweep
 *                     always runs in full first)
 *   FUZZ_PATH=<path>  with FUZZ_SEED and `-t <test name>`: replay one random counterexample exactly
 */
export interface FuzzSettings {
  seed: number;
  runsPerProperty: number;
  secondsTotal: number;
  path?: string;
  long: boolean;
}

const DEFAULT_SEED = 20_261_125;

export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const long = env.FUZZ_LONG === '1';
  return {
    seed: env.FUZZ_SEED ? Number(env.FUZZ_SEED) : long ? Math.floor(Math.random() * 2 ** 31) : DEFAULT_SEED,
    runsPerProperty: Number(env.FUZZ_RUNS ?? (long ? 100_000 : 10)),
    secondsTotal: Number(env.FUZZ_SECONDS ?? (long ? 300 : 10)),
    path: env.FUZZ_PATH || undefined,
    long,
  };
}

/** A property's own seed, from its name: its cases do not shift when other properties come or go. */
export function seedFor(seed: number, name: string): number {
  let hash = 2_166_136_261;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16_777_619);
  return (hash ^ seed) | 0;
}

/**
 * The random cases' time budget, shared out as it goes: each property gets the part of the
 * time left that its number of cases is of the cases left, so that time a quick property did
 * not use goes on. The sweep is not counted: it always runs in full.
 */
export class TimeBudget {
  /** random cases that ran, for the summary */
  ran = 0;

  constructor(
    private msLeft: number,
    private casesLeft: number,
  ) {}

  /** The share, in ms, of `cases` random cases; never so little that none of them runs. */
  share(cases: number): number {
    return Math.max(MIN_SHARE_MS, (this.msLeft * cases) / Math.max(cases, this.casesLeft));
  }

  spent(ms: number, cases: number, ran: number): void {
    this.msLeft -= ms;
    this.casesLeft -= cases;
    this.ran += ran;
  }
}

const MIN_SHARE_MS = 250;
