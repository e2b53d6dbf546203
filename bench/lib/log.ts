/** The run's progress lines on the console. */
import type { Pass } from './types';

export const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

export function logPass(mode: string, p: Pass): void {
  log(
    `  ${p.target.padEnd(8)} ${mode.padEnd(10)} ${String(p.rps).padStart(8)} req/s  p50 ${p.p50Ms} ms  p99 ${p.p99Ms} ms  ` +
      `${p.statementsPerRequest} stmt/req  CPU ${p.serverCpuMsPerRequest}+${p.pgCpuMsPerRequest} ms/req  ` +
      `ELD p99 ${p.eventLoopDelayP99Ms} ms  RSS ${p.peakRssMiB} MiB  other load ${p.foreignCpuCores} cores` +
      (p.errors ? `  ERRORS ${p.errors}: ${p.firstError}` : ''),
  );
}
