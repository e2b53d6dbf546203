/**
 * The logIn comparisons: Shutter's logIn against bare argon2 verifications with the server's
 * parameters (`bench/argon2-bare.ts`, in a fresh process), in alternating rounds.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { seeded, type RunContext, type Servers } from './context';
import { log, logPass } from './log';
import type { StatementCounter } from './metrics';
import { inTurn, measurePass } from './passes';
import { ROOT, shutterBenchEnv, type ServerProcess } from './processes';
import { median, medianOf, round, type NumericKey } from './stats';
import type { LogInCpu, LogInResult, Pass } from './types';
import { WORKLOADS, type WorkloadContext } from './workloads';

/**
 * logIn on every core, then (on a machine with more than one) with the request path on a
 * core of its own: another Shutter with ARGON2_MAX_CONCURRENT = cores - 1, against bare argon2
 * on as many cores, shows how close to bare the hashing cores run then.
 */
export async function compareLogIns(
  run: RunContext,
  databaseUrl: string,
  servers: Servers,
  base: WorkloadContext,
): Promise<{ logIn: LogInResult; logInOwnCore?: LogInResult }> {
  const cores = os.cpus().length;
  const logIn = await compareLogIn(run, servers.shutter, servers.counter, base, cores);
  if (cores === 1) return { logIn };
  const ownCore = await run.startShutter(databaseUrl, { ARGON2_MAX_CONCURRENT: String(cores - 1) });
  try {
    return { logIn, logInOwnCore: await compareLogIn(run, ownCore, servers.counter, base, cores - 1) };
  } finally {
    await ownCore.stop();
  }
}

/**
 * logIn against bare argon2 verifications, alternating; the bare run verifies `hashThreads`
 * at a time (all the cores, or as many as `shutter` is configured to hash at once).
 */
async function compareLogIn(
  run: RunContext,
  shutter: ServerProcess,
  counter: StatementCounter,
  base: WorkloadContext,
  hashThreads: number,
): Promise<LogInResult> {
  const argon2: Pass[] = [];
  const shutterPasses: Pass[] = [];
  const ratios: number[] = [];
  let argon2Options: unknown;
  log(`logIn: ${WORKLOADS.logIn.title} (floor: bare argon2 verifications, ${hashThreads} at a time)`);
  for (let r = 0; r < run.options.rounds; r++) {
    for (const target of inTurn(r, 'argon2', 'shutter')) {
      if (target === 'argon2') {
        const bare = await bareArgon2(run.options.durationS, hashThreads);
        argon2Options = bare.options;
        argon2.push({
          ...emptyPass('argon2'),
          rps: round(bare.rate),
          requests: bare.verifies,
          serverCpuMsPerRequest: round(bare.cpuMsPerVerify),
        });
        log(`  argon2   ${round(bare.rate)} verifies/s  CPU ${round(bare.cpuMsPerVerify)} ms/verify`);
      } else {
        const pass = await measurePass(run, counter, 'shutter', shutter, (seed) =>
          WORKLOADS.logIn.source(seeded(base, seed)),
        );
        shutterPasses.push(pass);
        logPass(`closed/${run.options.connections}`, pass);
      }
    }
    ratios.push(round(shutterPasses.at(-1)!.rps / argon2.at(-1)!.rps, 3));
  }
  const ratio = round(median(ratios), 3);
  log(`  logIn: Shutter/bare argon2 ${ratio} (rounds: ${ratios.join(', ')})`);
  const cpu = logInCpu(argon2, shutterPasses);
  log(
    `  logIn CPU per request: bare hash ${cpu.bareHashMs} ms; Shutter ${cpu.serverMs} ms (main thread ` +
      `${cpu.mainThreadMs}) + PostgreSQL ${cpu.postgresMs} + load generator ${cpu.loadGeneratorMs}` +
      (hashThreads === os.cpus().length ? ` -> ceiling with every core hashing ${cpu.ceiling}x` : ''),
  );
  return { hashThreads, argon2, shutter: shutterPasses, ratios, ratio, argon2Options, cpu };
}

function logInCpu(argon2: Pass[], shutter: Pass[]): LogInCpu {
  const med = (passes: Pass[], key: NumericKey<Pass>) => round(medianOf(passes, key));
  const cpu = {
    bareHashMs: med(argon2, 'serverCpuMsPerRequest'),
    serverMs: med(shutter, 'serverCpuMsPerRequest'),
    mainThreadMs: med(shutter, 'mainThreadCpuMsPerRequest'),
    postgresMs: med(shutter, 'pgCpuMsPerRequest'),
    loadGeneratorMs: med(shutter, 'clientCpuMsPerRequest'),
  };
  return {
    ...cpu,
    ceiling: round(cpu.bareHashMs / (cpu.serverMs + cpu.postgresMs + cpu.loadGeneratorMs), 3),
  };
}

/** A bare argon2 run has only a rate and a CPU cost; the other figures do not apply. */
function emptyPass(target: Pass['target']): Pass {
  return {
    target,
    completed: 0,
    requests: 0,
    errors: 0,
    seconds: 0,
    rps: 0,
    p50Ms: NaN,
    p90Ms: NaN,
    p99Ms: NaN,
    maxMs: NaN,
    clientCpuMsPerRequest: NaN,
    statementsPerRequest: NaN,
    serverCpuMsPerRequest: NaN,
    mainThreadCpuMsPerRequest: NaN,
    pgCpuMsPerRequest: NaN,
    peakRssMiB: NaN,
    eventLoopDelayP99Ms: NaN,
    foreignCpuCores: NaN,
  };
}

async function bareArgon2(
  seconds: number,
  concurrency: number,
): Promise<{ verifies: number; rate: number; cpuMsPerVerify: number; options: unknown }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/argon2-bare.ts', String(seconds), String(concurrency)],
      {
        cwd: ROOT,
        env: { ...process.env, ...shutterBenchEnv() },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`argon2-bare exited ${code}`)),
    );
  });
}
