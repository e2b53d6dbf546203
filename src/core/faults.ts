import type { Config, FaultPoint } from '../config';

/**
 * Dies at once, as a killed process would (no finally blocks, no shutdown, no flushed logs),
 * when SHUTTER_FAULT_POINT names this point: the crash-safety tests run the real server with
 * it to prove what a crash there leaves behind. The setting is refused in production.
 */
export function faultPoint(config: Pick<Config, 'SHUTTER_FAULT_POINT'>, point: FaultPoint): void {
  if (config.SHUTTER_FAULT_POINT !== point) return;
  process.kill(process.pid, 'SIGKILL');
  // the signal lands at once; block this thread until it does, so nothing runs past the point
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}
