/** The console report: medians over the alternating rounds, Shutter as a ratio to the floor. */
import { medianOf as med } from './stats';
import type { DatasetResult, Report, TargetCheck } from './types';

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The targets, from the figures of this run (null: not measured in this run). */
export function checkTargets(datasets: DatasetResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const d of datasets) {
    const tag = `[${d.spec.name}]`;
    const feedCost = d.costs.find((c) => c.op === 'feed' && c.target === 'shutter');
    if (feedCost) {
      checks.push({
        target: `${tag} SQL statements per feed request <= 6`,
        value: String(feedCost.statementsPerRequest),
        met: feedCost.statementsPerRequest <= 6,
      });
    }
    const feed = d.workloads.find((w) => w.workload === 'feed');
    if (feed) {
      if (d.spec.name === 'S' || d.spec.name === 'smoke') {
        checks.push({
          target: `${tag} feed throughput >= 0.2x floor`,
          value: `${fmt(feed.closed.ratio, 3)}x (${fmt(med(feed.closed.shutter, 'rps'), 0)} vs ${fmt(med(feed.closed.floor, 'rps'), 0)} req/s)`,
          met: feed.closed.ratio >= 0.2,
        });
      }
      const p50 = med(feed.closed.shutter, 'p50Ms');
      const p99 = med(feed.closed.shutter, 'p99Ms');
      checks.push({
        target: `${tag} feed p99 <= 2.5x p50 at 50 connections`,
        value: `${fmt(p99 / p50, 2)}x (p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms)`,
        met: p99 / p50 <= 2.5,
      });
    }
    if (d.logIn) {
      checks.push({
        target: `${tag} logIn throughput >= 0.9x bare argon2`,
        value: `${fmt(d.logIn.ratio, 3)}x (${fmt(med(d.logIn.shutter, 'rps'))} vs ${fmt(med(d.logIn.argon2, 'rps'))}/s)`,
        met: d.logIn.ratio >= 0.9,
      });
    }
  }
  const s = datasets.find((d) => d.spec.name === 'S')?.workloads.find((w) => w.workload === 'feed');
  const m = datasets.find((d) => d.spec.name === 'M')?.workloads.find((w) => w.workload === 'feed');
  if (s?.fixedRate && m?.fixedRate) {
    const sameRate = s.fixedRate.rate === m.fixedRate.rate;
    const ratio = med(m.fixedRate.shutter, 'p50Ms') / med(s.fixedRate.shutter, 'p50Ms');
    const ratio99 = med(m.fixedRate.shutter, 'p99Ms') / med(s.fixedRate.shutter, 'p99Ms');
    checks.push({
      target: 'feed latency on M within 1.5x of S (fixed rate)',
      value: `p50 ${fmt(ratio, 2)}x, p99 ${fmt(ratio99, 2)}x at ${m.fixedRate.rate}/s${sameRate ? '' : ' (rates differ!)'}`,
      met: sameRate ? ratio <= 1.5 : null,
    });
  }
  return checks;
}

export function printReport(report: Report): void {
  const out: string[] = [];
  const m = report.machine;
  out.push('');
  out.push(
    `Shutter benchmark ${report.runId}  commit ${report.commit.slice(0, 10)}${report.dirty ? ' (dirty)' : ''}  ` +
      `${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}`,
  );
  out.push(
    `load average at start ${m.loadAverageAtStart.join(' ')}, at end ${report.loadAverageAtEnd.join(' ')}; ` +
      `${report.options.rounds} alternating round(s) of ${report.options.durationS} s per pass, ` +
      `${report.options.connections} connections, pool ${report.options.poolSize}`,
  );
  for (const d of report.datasets) {
    out.push('');
    out.push(`== dataset ${d.spec.name}: ${JSON.stringify(d.generated?.counts ?? {})}`);
    if (d.generated) out.push(`   generated in ${d.generated.seconds} s`);
    out.push(
      `   verification: ${d.verification.pages} feed pages identical (viewers ${d.verification.viewers.join(', ')})`,
    );
    out.push('');
    const rows: string[][] = [];
    for (const w of d.workloads) {
      for (const target of ['floor', 'shutter'] as const) {
        const c = w.closed[target];
        const f = w.fixedRate?.[target] ?? [];
        const floorFixedP50 = med(w.fixedRate?.floor ?? [], 'p50Ms');
        rows.push([
          target === 'floor' ? `${w.workload} (floor: ${w.floorWorkload})` : '',
          target,
          fmt(med(c, 'rps'), 0),
          target === 'shutter' ? fmt(w.closed.ratio, 3) : '1',
          fmt(med(c, 'p50Ms')),
          fmt(med(c, 'p99Ms')),
          fmt(med(c, 'p99Ms') / med(c, 'p50Ms'), 2),
          w.fixedRate ? String(w.fixedRate.rate) : '-',
          fmt(med(f, 'p50Ms')),
          fmt(med(f, 'p99Ms')),
          target === 'shutter' ? fmt(med(f, 'p50Ms') / floorFixedP50, 2) : '1',
          fmt(med(c, 'statementsPerRequest'), 2),
          fmt(med(c, 'serverCpuMsPerRequest'), 2),
          fmt(med(c, 'pgCpuMsPerRequest'), 2),
          fmt(Math.max(...c.map((p) => p.peakRssMiB)), 0),
          fmt(med(c, 'eventLoopDelayP99Ms')),
          fmt(med(c, 'foreignCpuCores'), 2),
          String(c.reduce((n, p) => n + p.errors, 0) + f.reduce((n, p) => n + p.errors, 0)),
        ]);
      }
    }
    out.push(
      table(
        [
          'workload',
          'server',
          'req/s',
          'x floor',
          'p50 ms',
          'p99 ms',
          'p99/p50',
          'rate/s',
          'p50 ms',
          'p99 ms',
          'p50 x floor',
          'stmt/req',
          'CPU ms/req',
          'PG ms/req',
          'RSS MiB',
          'ELD p99',
          'other',
          'errors',
        ],
        rows,
      ),
    );
    out.push(
      '   (closed loop at N connections | open loop at a fixed rate | costs per request in the closed loop; ' +
        'ELD = event-loop delay; other = cores used by other processes meanwhile)',
    );
    if (d.logIn) {
      out.push('');
      out.push(
        `   logIn: ${fmt(med(d.logIn.shutter, 'rps'))} req/s (p50 ${fmt(med(d.logIn.shutter, 'p50Ms'), 0)} ms, ` +
          `p99 ${fmt(med(d.logIn.shutter, 'p99Ms'), 0)} ms) vs bare argon2 ${fmt(med(d.logIn.argon2, 'rps'))} ` +
          `verifies/s = ${fmt(d.logIn.ratio, 3)}x (rounds ${d.logIn.ratios.join(', ')})`,
      );
      const cpu = d.logIn.cpu;
      out.push(
        `   logIn CPU ms per request: bare argon2 ${fmt(cpu.bareHashMs)} per verify; Shutter ${fmt(cpu.serverMs)} ` +
          `(main thread ${fmt(cpu.mainThreadMs)}), PostgreSQL ${fmt(cpu.postgresMs)}, load generator ` +
          `${fmt(cpu.loadGeneratorMs)}: at most ${fmt(cpu.ceiling, 3)}x with every core busy`,
      );
    }
    if (d.logInOwnCore) {
      const own = d.logInOwnCore;
      out.push(
        `   logIn with the request path on a core of its own (ARGON2_MAX_CONCURRENT=${own.hashThreads}): ` +
          `${fmt(med(own.shutter, 'rps'))} req/s vs bare argon2 on ${own.hashThreads} core(s) ` +
          `${fmt(med(own.argon2, 'rps'))}/s = ${fmt(own.ratio, 3)}x (rounds ${own.ratios.join(', ')})`,
      );
    }
    if (d.compression) {
      out.push('');
      out.push(
        `   compression (${d.compression.workload}, closed loop; the client asks for the encoding and does not decompress):`,
      );
      out.push(
        table(
          ['   encoding', 'bytes', 'req/s', 'x identity', 'CPU ms/req', '+CPU ms/req', 'p50 ms', 'p99 ms'],
          Object.entries(d.compression.byEncoding).map(([encoding, f]) => [
            `   ${encoding}`,
            String(f.bytes),
            fmt(f.rps, 0),
            fmt(f.throughputRatio, 3),
            fmt(f.serverCpuMsPerRequest, 3),
            fmt(f.extraCpuMsPerRequest, 3),
            fmt(f.p50Ms),
            fmt(f.p99Ms),
          ]),
        ),
      );
      const once = Object.entries(d.compression.compressMs).map(([method, ms]) => `${method} ${fmt(ms, 3)}`);
      out.push(`   compressing one response alone, ms: ${once.join(', ')}`);
    }
    out.push('');
    out.push('   exact costs, one request at a time:');
    out.push(
      table(
        ['   op', 'server', 'stmt/req', 'p50 ms', 'CPU ms/req', 'PG ms/req'],
        d.costs.map((c) => [
          `   ${c.op}`,
          c.target,
          fmt(c.statementsPerRequest, 2),
          fmt(c.p50Ms, 2),
          fmt(c.serverCpuMsPerRequest, 2),
          fmt(c.pgCpuMsPerRequest, 2),
        ]),
      ),
    );
    const feedCost = d.costs.find((c) => c.op === 'feed' && c.target === 'shutter');
    if (feedCost) {
      out.push('');
      out.push('   statements of one Shutter feed request (calls per request, mean ms):');
      for (const s of feedCost.statements) {
        out.push(`     ${fmt(s.perRequest, 2)} x ${fmt(s.ms, 3)} ms  ${s.query.slice(0, 150)}`);
      }
    }
    if (d.profile) {
      out.push('');
      out.push(
        `   CPU profile of Shutter under the feed load (${d.profile.samples} samples, busy ${d.profile.busyPercent}%, ` +
          `shares of busy time; ${d.profile.file}):`,
      );
      const list = (shares: { name: string; percent: number }[]) =>
        shares
          .slice(0, 14)
          .map((p) => `${p.name} ${p.percent}%`)
          .join(', ');
      out.push(`     self, by package: ${list(d.profile.selfByPackage)}`);
      out.push(`     inclusive, by package: ${list(d.profile.inclusiveByPackage)}`);
      for (const f of d.profile.topFunctions.slice(0, 12)) out.push(`     ${fmt(f.percent)}%  ${f.name}`);
      const allocations = d.profile.allocations;
      if (allocations) {
        out.push(
          `   allocations under the same load: ${Math.round(allocations.bytesPerRequest / 1024)} KiB per request ` +
            `(sampled; ${allocations.file}):`,
        );
        out.push(`     by package: ${list(allocations.byPackage)}`);
        for (const f of allocations.topFunctions.slice(0, 12)) out.push(`     ${fmt(f.percent)}%  ${f.name}`);
      }
    }
    if (d.explainFile) out.push(`   EXPLAIN ANALYZE of every feed statement: ${d.explainFile}`);
  }
  out.push('');
  out.push('== targets (issue 6)');
  for (const c of checkTargets(report.datasets)) {
    out.push(`   ${c.met === null ? '?   ' : c.met ? 'MET ' : 'MISS'}  ${c.target}: ${c.value}`);
  }
  console.log(out.join('\n'));
}
