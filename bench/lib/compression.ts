/**
 * What response compression costs (`--compression`): the home feed from Shutter to a client
 * that asks for no encoding, for gzip, and for brotli, in alternating rounds on the same server
 * (the encoding is negotiated per request). The load generator does not decompress: it measures
 * the server, and decompressing would take CPU from a server sharing its cores. One response per
 * encoding is decompressed and compared with the uncompressed one before anything is timed.
 */
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { BROTLI_QUALITY } from '../../src/server/compression';
import { seeded, type RunContext, type Servers } from './context';
import type { HttpRequest, RequestSource } from './load';
import { log, logPass } from './log';
import { measurePass } from './passes';
import { median, medianOf, round } from './stats';
import type { CompressionResult, Encoding, Pass } from './types';
import { feedRequest, WORKLOADS, type WorkloadContext } from './workloads';

const ENCODINGS: readonly Encoding[] = ['identity', 'gzip', 'br'];

const asking = (encoding: Encoding, req: HttpRequest): HttpRequest => ({
  ...req,
  headers: { ...req.headers, 'accept-encoding': encoding },
});

export async function compareCompression(
  run: RunContext,
  servers: Servers,
  base: WorkloadContext,
): Promise<CompressionResult> {
  log('compression: home feed, page 1, asking for identity, gzip and br in turn');
  const { bytes, plain } = await responseSizes(servers.shutter.url, feedRequest(base.viewers[0]!));
  log(`  response bytes: ${ENCODINGS.map((e) => `${e} ${bytes[e]}`).join(', ')}`);
  const compressMs = timeCompression(plain);
  log(
    `  compressing it once, ms: ${Object.entries(compressMs)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );

  const passes: Record<Encoding, Pass[]> = { identity: [], gzip: [], br: [] };
  for (let r = 0; r < run.options.rounds; r++) {
    // each round starts with the next encoding, so machine noise hits all three alike
    const order = ENCODINGS.map((_, i) => ENCODINGS[(i + r) % ENCODINGS.length]!);
    for (const encoding of order) {
      const source =
        (seed: number): RequestSource =>
        (i) =>
          asking(encoding, WORKLOADS.feed.source(seeded(base, seed))(i));
      const pass = await measurePass(run, servers.counter, 'shutter', servers.shutter, source);
      passes[encoding].push(pass);
      logPass(`closed/${encoding}`, pass);
    }
  }
  const rps = (e: Encoding) => medianOf(passes[e], 'rps');
  const cpu = (e: Encoding) => medianOf(passes[e], 'serverCpuMsPerRequest');
  const byEncoding = Object.fromEntries(
    ENCODINGS.map((e) => [
      e,
      {
        bytes: bytes[e],
        rps: round(rps(e)),
        throughputRatio: round(median(passes[e].map((p, i) => p.rps / passes.identity[i]!.rps)), 3),
        serverCpuMsPerRequest: round(cpu(e), 3),
        extraCpuMsPerRequest: round(cpu(e) - cpu('identity'), 3),
        p50Ms: round(medianOf(passes[e], 'p50Ms')),
        p99Ms: round(medianOf(passes[e], 'p99Ms')),
      },
    ]),
  ) as CompressionResult['byEncoding'];
  return { workload: 'feed', passes, byEncoding, compressMs };
}

/**
 * One response compressed the way the server does it, timed here on its own (the CPU figures
 * under load are coarse and shared with everything else on the machine), with brotli's default
 * quality for comparison.
 */
function timeCompression(body: Buffer): Record<string, number> {
  const brotli = (quality: number) => () =>
    brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: quality } });
  const timed = (compress: () => Buffer, runs: number) => {
    compress();
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) compress();
    return round((performance.now() - t0) / runs, 3);
  };
  return {
    gzip: timed(() => gzipSync(body), 200),
    [`br (quality ${BROTLI_QUALITY})`]: timed(brotli(BROTLI_QUALITY), 200),
    'br (quality 11, the default)': timed(brotli(11), 10),
  };
}

/** One response per encoding, as sent; each must decompress to the uncompressed response. */
async function responseSizes(
  url: string,
  req: HttpRequest,
): Promise<{ bytes: Record<Encoding, number>; plain: Buffer }> {
  const sizes = {} as Record<Encoding, number>;
  let plain: Buffer | undefined;
  for (const encoding of ENCODINGS) {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asking(encoding, req).headers },
      body: req.body,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    const sent = res.headers['content-encoding'] ?? 'identity';
    if (res.statusCode !== 200 || sent !== encoding) {
      throw new Error(`asked for ${encoding}, got ${res.statusCode} in ${String(sent)}`);
    }
    const decoded =
      encoding === 'gzip' ? gunzipSync(body) : encoding === 'br' ? brotliDecompressSync(body) : body;
    plain ??= decoded;
    if (!decoded.equals(plain)) throw new Error(`${encoding} response differs from identity's`);
    sizes[encoding] = body.length;
  }
  return { bytes: sizes, plain: plain! };
}
