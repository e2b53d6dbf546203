/**
 * Preloaded into a measured server (`node --import tsx --import ./bench/probe.ts ...`) when
 * BENCH_PROBE_PORT is set, so the server under test needs no benchmark code of its own. It
 * samples the event-loop delay and answers on its own loopback port:
 *   GET /reset                   starts a new sample window
 *   GET /metrics                 { eventLoopDelayMs: { p50, p99, max }, rssBytes, heapUsedBytes }
 *   GET /memory                  where the resident memory is: process.memoryUsage(), V8's heap
 *                                spaces, and the kernel's split of the resident set
 *   GET /profile/start           starts the V8 CPU profiler (in this process, no restart)
 *   GET /profile/stop?file=PATH  stops it and writes the .cpuprofile to PATH
 *   GET /allocations/start       starts V8's sampling heap profiler (where memory is allocated);
 *                                with ?minor=0 it keeps only what survives a young-generation
 *                                collection (what gets promoted, and costs the old generation)
 *   GET /allocations/stop?file=PATH  stops it and writes the .heapprofile to PATH
 */
import fs from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';

const port = Number(process.env.BENCH_PROBE_PORT);
if (port > 0) {
  const RESOLUTION_MS = 10;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  // The histogram holds the time between timer turns: the delay is what exceeds the period.
  const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4 - RESOLUTION_MS * 100) / 100);
  let session: Session | null = null;

  const metrics = () => {
    const memory = process.memoryUsage();
    return {
      eventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
    };
  };

  const memory = () => {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return {
      process: process.memoryUsage(),
      rssKiB: { anonymous: kib('RssAnon'), file: kib('RssFile'), peak: kib('VmHWM') },
      heapSpaces: Object.fromEntries(
        v8
          .getHeapSpaceStatistics()
          .map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]),
      ),
      heap: v8.getHeapStatistics(),
    };
  };

  const handle = async (url: URL): Promise<unknown> => {
    switch (url.pathname) {
      case '/reset':
        delay.reset();
        return metrics();
      case '/metrics':
        return metrics();
      case '/memory':
        return memory();
      case '/profile/start':
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        return { profiling: true };
      case '/profile/stop': {
        if (!session) throw new Error('not profiling');
        const { profile } = await session.post('Profiler.stop');
        session.disconnect();
        session = null;
        fs.writeFileSync(url.searchParams.get('file')!, JSON.stringify(profile));
        return { profiling: false };
      }
      case '/allocations/start': {
        session = new Session();
        session.connect();
        // Objects collected since are kept in the profile: the young garbage is what costs GC.
        // (V8 knows these flags; Node 20's types do not list them yet)
        const sampling = {
          samplingInterval: 16_384,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: url.searchParams.get('minor') !== '0',
        };
        await session.post('HeapProfiler.startSampling', sampling);
        return { sampling: true };
      }
      case '/allocations/stop': {
        if (!session) throw new Error('not sampling');
        const { profile } = await session.post('HeapProfiler.stopSampling');
        session.disconnect();
        session = null;
        fs.writeFileSync(url.searchParams.get('file')!, JSON.stringify(profile));
        return { sampling: false };
      }
      default:
        throw new Error(`unknown path ${url.pathname}`);
    }
  };

  const probe = http.createServer((req, res) => {
    handle(new URL(req.url ?? '/', 'http://probe'))
      .then((body) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      })
      .catch((error: Error) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: error.message }));
      });
  });
  probe.listen(port, '127.0.0.1');
  probe.unref();
}
