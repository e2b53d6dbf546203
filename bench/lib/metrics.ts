/**
 * Per-pass costs, read from outside the measured processes: CPU from /proc/<pid>/stat, SQL
 * statements from pg_stat_statements, peak RSS from /proc/<pid>/status (VmHWM, reset through
 * clear_refs), event-loop delay from the probe preloaded into the server (bench/probe.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);

/** utime, stime, cutime, cstime of a process (or, with `thread`, of one of its threads), in ms. */
function cpuOf(pid: number, thread?: number): { own: number; children: number; ppid: number } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(
      thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
      'utf8',
    );
  } catch {
    return null;
  }
  // The command name may contain spaces; fields after it are space-separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(fields[i - 3]); // field numbers as in proc(5)
  return { own: (n(14) + n(15)) * TICK_MS, children: (n(16) + n(17)) * TICK_MS, ppid: n(4) };
}

export function processCpuMs(pid: number): number {
  return cpuOf(pid)?.own ?? NaN;
}

/** CPU of the main thread alone (JavaScript, I/O callbacks): not libuv's pool nor V8's helpers. */
export function mainThreadCpuMs(pid: number): number {
  return cpuOf(pid, pid)?.own ?? NaN;
}

/** The postmaster, its live backends, and (through cutime) the backends that have exited. */
export function postgresCpuMs(postmasterPid: number): number {
  const postmaster = cpuOf(postmasterPid);
  if (!postmaster) return NaN;
  let total = postmaster.own + postmaster.children;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = cpuOf(Number(entry));
    if (child?.ppid === postmasterPid) total += child.own;
  }
  return total;
}

/** Starts a new peak-RSS window for `pid` (root may write 5 to clear_refs). */
export function resetPeakRss(pid: number): void {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not permitted: the peak then covers the process's whole life
  }
}

export function peakRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kib ? Number(kib) * 1024 : NaN;
}

export interface ProbeReading {
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  rssBytes: number;
}

export async function probe(port: number, path: '/reset' | '/metrics'): Promise<ProbeReading | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return (await res.json()) as ProbeReading;
  } catch {
    return null;
  }
}

export interface StatementSnapshot {
  calls: number;
  /** per normalized statement: calls and total execution time */
  byQuery: Map<string, { query: string; calls: number; ms: number }>;
  deallocations: number;
}

/** pg_stat_statements of one database, read over a connection to another (not counted). */
export class StatementCounter {
  private constructor(
    private readonly admin: pg.Client,
    private readonly database: string,
  ) {}

  static async open(adminUrl: string, database: string): Promise<StatementCounter> {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    return new StatementCounter(admin, database);
  }

  async snapshot(): Promise<StatementSnapshot> {
    const { rows } = await this.admin.query<{ queryid: string; query: string; calls: string; ms: number }>(
      `SELECT queryid::text, query, calls, total_exec_time AS ms FROM pg_stat_statements s
       JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
      [this.database],
    );
    const info = await this.admin.query<{ dealloc: string }>(`SELECT dealloc FROM pg_stat_statements_info`);
    const byQuery = new Map<string, { query: string; calls: number; ms: number }>();
    let calls = 0;
    for (const row of rows) {
      byQuery.set(row.queryid, { query: row.query, calls: Number(row.calls), ms: row.ms });
      calls += Number(row.calls);
    }
    return { calls, byQuery, deallocations: Number(info.rows[0]!.dealloc) };
  }

  /** Statements between two snapshots, most frequent first. */
  static delta(before: StatementSnapshot, after: StatementSnapshot) {
    const statements = [...after.byQuery.entries()]
      .map(([id, s]) => {
        const prev = before.byQuery.get(id);
        return { query: s.query, calls: s.calls - (prev?.calls ?? 0), ms: s.ms - (prev?.ms ?? 0) };
      })
      .filter((s) => s.calls > 0)
      .sort((a, b) => b.calls - a.calls);
    return {
      calls: after.calls - before.calls,
      statements,
      evicted: after.deallocations !== before.deallocations,
    };
  }

  close(): Promise<void> {
    return this.admin.end();
  }
}

/** CPU time the whole machine spent busy (all cores), in ms, from /proc/stat. */
export function machineBusyMs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * TICK_MS;
}

export function loadAverage(): number[] {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}
