/**
 * Load generation with undici (keep-alive connections, no pipelining).
 * - closed loop: `connections` clients, each sends its next request when the last answered;
 *   latency = send to last byte.
 * - open loop at a fixed rate: request i is due at start + i / rate whatever happened before;
 *   latency is measured from the due time, so a stalled server shows in the figures instead of
 *   slowing the client down (no coordinated omission).
 * Only requests that complete inside the measured window (after the warm-up) are counted.
 */
import { Pool } from 'undici';
import { round } from './stats';

export interface HttpRequest {
  body: string;
  headers: Record<string, string>;
}

/** Builds the i-th request of a pass (the workload picks viewers, posts... from i). */
export type RequestSource = (i: number) => HttpRequest;

export interface LoadOptions {
  url: string;
  next: RequestSource;
  warmupMs: number;
  durationMs: number;
  connections: number;
}

export interface LoadResult {
  /** every request answered during the call, warm-up and tail included (divides the costs) */
  completed: number;
  /** requests counted in the measured window */
  requests: number;
  errors: number;
  /** first error body seen, for the report */
  firstError?: string;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU the load generator itself used per request (it shares the machine) */
  clientCpuMsPerRequest: number;
}

const now = () => performance.now();

class Recorder {
  private latencies: number[] = [];
  requests = 0;
  completed = 0;
  errors = 0;
  firstError?: string;
  /** `by`: which instant must fall in the window: completion (closed loop) or due time (open loop) */
  constructor(
    readonly from: number,
    readonly to: number,
    readonly by: 'start' | 'end',
  ) {}

  record(started: number, ended: number, ok: boolean, body: string): void {
    this.completed++;
    const at = this.by === 'start' ? started : ended;
    if (at < this.from || at > this.to) return;
    this.requests++;
    this.latencies.push(ended - started);
    if (!ok) {
      this.errors++;
      this.firstError ??= body.slice(0, 300);
    }
  }

  result(seconds: number, cpuMs: number): LoadResult {
    const sorted = Float64Array.from(this.latencies).sort();
    const at = (q: number) =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
    return {
      completed: this.completed,
      requests: this.requests,
      errors: this.errors,
      firstError: this.firstError,
      seconds: round(seconds),
      rps: round(this.requests / seconds),
      p50Ms: round(at(0.5)),
      p90Ms: round(at(0.9)),
      p99Ms: round(at(0.99)),
      maxMs: round(sorted.length ? sorted[sorted.length - 1]! : NaN),
      clientCpuMsPerRequest: this.requests ? round(cpuMs / this.requests) : NaN,
    };
  }
}

async function send(pool: Pool, path: string, request: HttpRequest): Promise<{ ok: boolean; body: string }> {
  try {
    const res = await pool.request({
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: request.body,
    });
    const body = await res.body.text();
    return { ok: res.statusCode === 200 && !body.includes('"errors":['), body };
  } catch (error) {
    return { ok: false, body: String(error) };
  }
}

function openPool(url: string, connections: number) {
  const { origin, pathname } = new URL(url);
  return { pool: new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 }), path: pathname };
}

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export async function closedLoop(options: LoadOptions): Promise<LoadResult> {
  const { pool, path } = openPool(options.url, options.connections);
  const start = now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  const recorder = new Recorder(measureFrom, end, 'end');
  let i = 0;
  let cpuAtStart = NaN;
  const warm = setTimeout(() => (cpuAtStart = cpuMs()), options.warmupMs);
  const client = async () => {
    while (now() < end) {
      const request = options.next(i++);
      const t0 = now();
      const { ok, body } = await send(pool, path, request);
      recorder.record(t0, now(), ok, body);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, client));
  clearTimeout(warm);
  const cpu = cpuMs() - cpuAtStart;
  await pool.close();
  return recorder.result(options.durationMs / 1000, cpu);
}

export async function openLoop(options: LoadOptions & { rate: number }): Promise<LoadResult> {
  const { pool, path } = openPool(options.url, options.connections);
  const start = now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  const recorder = new Recorder(measureFrom, end, 'start');
  const interval = 1000 / options.rate;
  const inFlight = new Set<Promise<void>>();
  let i = 0;
  let cpuAtStart = NaN;
  const warm = setTimeout(() => (cpuAtStart = cpuMs()), options.warmupMs);
  while (now() < end) {
    // Send everything that is due, then sleep until the next one is.
    for (let due = start + i * interval; due <= now() && due < end; due = start + i * interval) {
      const request = options.next(i++);
      const p = send(pool, path, request).then(({ ok, body }) => recorder.record(due, now(), ok, body));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + i * interval - now())));
  }
  await Promise.all(inFlight);
  clearTimeout(warm);
  const cpu = cpuMs() - cpuAtStart;
  await pool.close();
  return recorder.result(options.durationMs / 1000, cpu);
}

/** `count` requests one after another on one connection (exact per-request costs). */
export async function sequential(url: string, next: RequestSource, count: number): Promise<LoadResult> {
  const { pool, path } = openPool(url, 1);
  const recorder = new Recorder(-Infinity, Infinity, 'end');
  const cpu0 = cpuMs();
  const t0 = now();
  for (let i = 0; i < count; i++) {
    const started = now();
    const { ok, body } = await send(pool, path, next(i));
    recorder.record(started, now(), ok, body);
  }
  const seconds = (now() - t0) / 1000;
  const cpu = cpuMs() - cpu0;
  await pool.close();
  return recorder.result(seconds, cpu);
}

/** One request, parsed (verification and set-up). */
export async function requestJson(url: string, request: HttpRequest): Promise<unknown> {
  const { pool, path } = openPool(url, 1);
  try {
    const { ok, body } = await send(pool, path, request);
    if (!ok) throw new Error(`request failed: ${body.slice(0, 500)}`);
    return JSON.parse(body);
  } finally {
    await pool.close();
  }
}
