/**
 * `npm run bench:media`: 12-megapixel JPEGs through Shutter's whole upload path over HTTP
 * (createUpload, PUT, createPost) against bare sharp making the same renditions and BlurHash
 * (bench/sharp-bare.ts), in alternating rounds of one run; then peak RSS with 10 uploads at
 * once, and the home feed's latency during uploads against idle. See bench/README.md.
 *   npm run bench:media [-- --smoke] [--rounds N] [--pictures N] [--clients N] [--feed-rate R] [--feed-seconds S]
 *     [--shutter-env K=V,...] [--profile]
 * --profile: a V8 CPU profile of the server's main thread over one more pass of uploads, summarised
 * (libvips works on its own threads: what shows is the upload path's JavaScript around it).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { parseConfig } from '../src/config';
import { PasswordHasher } from '../src/security/passwords';
import { sessionViewers } from './lib/dataset-run';
import { BENCH_PASSWORD, DATASETS, generateDataset, viewerToken } from './lib/dataset';
import { openLoop, type LoadResult } from './lib/load';
import { log } from './lib/log';
import { probeGet } from './lib/diagnostics';
import {
  machineBusyMs,
  mainThreadCpuMs,
  peakRssBytes,
  postgresCpuMs,
  probe,
  processCpuMs,
  resetPeakRss,
} from './lib/metrics';
import { adminQuery, startPostgres } from './lib/postgres';
import { ROOT, startShutter, type ServerProcess } from './lib/processes';
import { summarizeProfile } from './lib/profile';
import { median, round } from './lib/stats';
import { feedRequest } from './lib/workloads';

interface MediaOptions {
  smoke: boolean;
  rounds: number;
  /** pictures per pass, each side */
  pictures: number;
  /** upload clients at once in the throughput passes (more than the processing slots keeps them busy) */
  clients: number;
  feedRate: number;
  feedSeconds: number;
  /** extra settings of the Shutter process (`--shutter-env K=V,K=V`) */
  shutterEnv: Record<string, string>;
  profile: boolean;
}

function parseMediaOptions(argv: string[]): MediaOptions {
  const smoke = argv.includes('--smoke');
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  if (argv.includes('--help')) {
    console.log(
      'npm run bench:media [-- --smoke] [--rounds N] [--pictures N] [--clients N] [--feed-rate R] [--feed-seconds S] [--shutter-env K=V,...] [--profile]',
    );
    process.exit(0);
  }
  return {
    smoke,
    rounds: value('--rounds', smoke ? 1 : 3),
    pictures: value('--pictures', smoke ? 2 : 32),
    clients: value('--clients', 4),
    feedRate: value('--feed-rate', smoke ? 10 : 20),
    feedSeconds: value('--feed-seconds', smoke ? 1 : 10),
    shutterEnv: Object.fromEntries(
      (argv[argv.indexOf('--shutter-env') + 1] ?? '')
        .split(',')
        .filter((pair) => argv.includes('--shutter-env') && pair.includes('='))
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    ),
    profile: argv.includes('--profile'),
  };
}

/** Distinct photo-like JPEGs: drawn scenery under grain, so they compress like camera pictures. */
async function writePictures(dir: string, count: number, width: number, height: number): Promise<number[]> {
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const hue = (i * 67) % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><linearGradient id="g" x1="0" y1="0" x2="${i % 2}" y2="1">
        <stop offset="0" stop-color="hsl(${hue},70%,60%)"/><stop offset="1" stop-color="hsl(${(hue + 140) % 360},60%,30%)"/>
      </linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
      ${Array.from({ length: 12 }, (_, k) => {
        const x = ((k * 97 + i * 31) % 100) / 100;
        const y = ((k * 53 + i * 17) % 100) / 100;
        return `<circle cx="${x * width}" cy="${y * height}" r="${((k % 5) + 1) * (width / 40)}" fill="hsl(${(hue + k * 29) % 360},80%,70%)" fill-opacity="0.6"/>`;
      }).join('')}
    </svg>`;
    const grain = await sharp({
      create: {
        width,
        height,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 18 },
      },
    })
      .png()
      .toBuffer();
    const jpeg = await sharp(Buffer.from(svg))
      .composite([{ input: grain, blend: 'soft-light' }])
      .jpeg({ quality: 88 })
      .toBuffer();
    fs.writeFileSync(path.join(dir, `picture-${String(i).padStart(2, '0')}.jpg`), jpeg);
    sizes.push(jpeg.length);
  }
  return sizes;
}

const CREATE_UPLOAD = `mutation ($input: CreateUploadInput!) {
  createUpload(input: $input) { uploadId url method headers { name value } } }`;
const CREATE_POST = `mutation ($input: CreatePostInput!) {
  createPost(input: $input) { id media { width blurhash variants { width } } } }`;

async function gql(url: string, token: string, query: string, variables: object): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data;
}

/**
 * The upload's PUT through node:http, the body written from the Buffer as is: the clients share
 * the machine with the server, and fetch spent about 30 ms of CPU per 4 MB body here (a copy
 * into a Uint8Array, then web streams), which the server's figure had to pay for.
 */
const uploadAgent = new http.Agent({ keepAlive: true });
function putBytes(
  url: string,
  method: string,
  headers: Record<string, string>,
  bytes: Buffer,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent: uploadAgent, headers: { ...headers, 'content-length': String(bytes.length) } },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    req.end(bytes);
  });
}

/** One photo, as a client posts it: createUpload, PUT the bytes, createPost naming the upload. */
async function uploadOne(shutter: ServerProcess, token: string, bytes: Buffer): Promise<void> {
  const { createUpload: target } = await gql(shutter.url, token, CREATE_UPLOAD, {
    input: { contentType: 'image/jpeg', byteSize: bytes.length },
  });
  const headers = Object.fromEntries(
    (target.headers as { name: string; value: string }[])
      .filter((h) => h.name.toLowerCase() !== 'content-length')
      .map((h) => [h.name, h.value]),
  );
  const status = await putBytes(target.url, target.method, headers, bytes);
  if (status < 200 || status > 299) throw new Error(`PUT answered ${status}`);
  const { createPost } = await gql(shutter.url, token, CREATE_POST, {
    input: { caption: 'bench', media: [{ uploadId: target.uploadId }] },
  });
  if (createPost.media[0].variants.length !== 3) throw new Error('a picture without its three renditions');
}

interface SidePass {
  pictures: number;
  seconds: number;
  rate: number;
  cpuMsPerPicture: number;
  postgresCpuMsPerPicture?: number;
  /** the server's main thread (JavaScript, I/O callbacks) */
  mainThreadCpuMsPerPicture?: number;
  /** this process, the uploading clients */
  clientCpuMsPerPicture?: number;
  /** share of the machine's CPU time left idle during the pass */
  idlePercent?: number;
}

async function shutterPass(
  shutter: ServerProcess,
  postmasterPid: number,
  tokens: string[],
  pictures: Buffer[],
  count: number,
  clients: number,
): Promise<SidePass> {
  const cpu0 = processCpuMs(shutter.pid);
  const main0 = mainThreadCpuMs(shutter.pid);
  const pg0 = postgresCpuMs(postmasterPid);
  const client0 = process.cpuUsage();
  const busy0 = machineBusyMs();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (next < count) {
        const i = next++;
        await uploadOne(shutter, tokens[c % tokens.length]!, pictures[i % pictures.length]!);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  const busy = machineBusyMs() - busy0;
  return {
    pictures: count,
    seconds,
    rate: count / seconds,
    cpuMsPerPicture: (processCpuMs(shutter.pid) - cpu0) / count,
    postgresCpuMsPerPicture: (postgresCpuMs(postmasterPid) - pg0) / count,
    mainThreadCpuMsPerPicture: (mainThreadCpuMs(shutter.pid) - main0) / count,
    clientCpuMsPerPicture: (client.user + client.system) / 1000 / count,
    idlePercent: Math.max(0, 100 - (100 * busy) / (seconds * 1000 * os.cpus().length)),
  };
}

function barePass(dir: string, count: number, concurrency: number): SidePass {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'bench/sharp-bare.ts', dir, String(count), String(concurrency)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.toString()) as SidePass;
}

const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const options = parseMediaOptions(process.argv.slice(2));
  const [width, height] = options.smoke ? [1600, 1200] : [4000, 3000];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-bench-media-'));
  const pictureDir = path.join(work, 'pictures');
  fs.mkdirSync(pictureDir);
  const pg = await startPostgres(log);
  let shutter: ServerProcess | null = null;
  try {
    log(`generating ${options.smoke ? 2 : 6} pictures of ${width}x${height}`);
    const sizes = await writePictures(pictureDir, options.smoke ? 2 : 6, width, height);
    log(`pictures: ${sizes.map((s) => `${mib(s)} MiB`).join(', ')}`);
    const pictures = fs
      .readdirSync(pictureDir)
      .sort()
      .map((f) => fs.readFileSync(path.join(pictureDir, f)));

    // the smoke dataset: the feed has something to show, and viewers with sessions
    const url = pg.url('shutter_media');
    await adminQuery(pg, 'CREATE DATABASE shutter_media');
    execFileSync(process.execPath, ['--import', 'tsx', 'src/db/cli/migrate.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const config = parseConfig({ ...process.env, ...options.shutterEnv, NODE_ENV: 'production' });
    const hash = await PasswordHasher.fromConfig(config).hash(BENCH_PASSWORD);
    await generateDataset(url, DATASETS.smoke!, hash, log);
    const { viewers } = await sessionViewers(url);
    const tokens = viewers.slice(0, 10).map(viewerToken);

    shutter = await startShutter(url, {
      DATA_DIR: path.join(work, 'data'),
      RATE_LIMIT_CREATE_UPLOAD: 'off',
      MEDIA_SWEEP_INTERVAL_MS: '0',
      ...options.shutterEnv,
    });
    const slots = config.MEDIA_PROCESSING_CONCURRENCY;
    log(`shutter pid ${shutter.pid}; processing ${slots} at once; bare sharp ${slots} at once`);
    // warm-up: codecs, connections, and the upload path's JavaScript compiled (one picture left
    // the first round's figures a few per cent low)
    await shutterPass(shutter, pg.postmasterPid, tokens, pictures, 2 * options.clients, options.clients);

    // 1. throughput, alternating sides
    const rounds: { shutter: SidePass; bare: SidePass; ratio: number }[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const runShutter = () =>
        shutterPass(shutter!, pg.postmasterPid, tokens, pictures, options.pictures, options.clients);
      const runBare = () => barePass(pictureDir, options.pictures, slots);
      let s: SidePass;
      let b: SidePass;
      if (r % 2 === 0) {
        b = runBare();
        s = await runShutter();
      } else {
        s = await runShutter();
        b = runBare();
      }
      const ratio = s.rate / b.rate;
      rounds.push({ shutter: s, bare: b, ratio });
      log(
        `round ${r + 1}: shutter ${round(s.rate)} pictures/s (${Math.round(s.cpuMsPerPicture)} ms CPU each, ` +
          `main thread ${Math.round(s.mainThreadCpuMsPerPicture!)}, PostgreSQL ${Math.round(s.postgresCpuMsPerPicture!)}, ` +
          `client ${Math.round(s.clientCpuMsPerPicture!)}, machine idle ${Math.round(s.idlePercent!)}%), bare sharp ${round(b.rate)}/s ` +
          `(${Math.round(b.cpuMsPerPicture)} ms CPU each): ${round(ratio)}x`,
      );
    }

    if (options.profile) {
      const file = path.join(work, 'upload.cpuprofile');
      await probeGet(shutter.probePort, '/profile/start');
      await shutterPass(shutter, pg.postmasterPid, tokens, pictures, options.pictures, options.clients);
      await probeGet(shutter.probePort, `/profile/stop?file=${encodeURIComponent(file)}`);
      const saved = path.join(
        ROOT,
        'bench',
        'results',
        `${new Date().toISOString().replace(/[:.]/g, '-')}-media.cpuprofile`,
      );
      fs.copyFileSync(file, saved);
      console.log(JSON.stringify(summarizeProfile(file), null, 2));
      log(`profile in ${path.relative(ROOT, saved)}`);
    }

    // 2. peak RSS: idle, then 10 uploads at once
    resetPeakRss(shutter.pid);
    await pause(500);
    const idleRss = peakRssBytes(shutter.pid);
    resetPeakRss(shutter.pid);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        uploadOne(shutter!, tokens[i % tokens.length]!, pictures[i % pictures.length]!),
      ),
    );
    const burstRss = peakRssBytes(shutter.pid);
    log(`RSS: idle ${mib(idleRss)} MiB, peak with 10 uploads at once ${mib(burstRss)} MiB`);

    // 3. the home feed at a fixed rate, idle and while 10 clients upload without pause
    // with the server's event-loop delay over the same window (its probe): a stall shows there
    const feed = async (): Promise<LoadResult & { loopDelayP99Ms: number }> => {
      const load = openLoop({
        url: shutter!.url,
        next: (i) => feedRequest(viewers[i % viewers.length]!),
        warmupMs: 1000,
        durationMs: options.feedSeconds * 1000,
        connections: 16,
        rate: options.feedRate,
      });
      await pause(1000);
      await probe(shutter!.probePort, '/reset');
      const result = await load;
      const reading = await probe(shutter!.probePort, '/metrics');
      return { ...result, loopDelayP99Ms: reading?.eventLoopDelayMs.p99 ?? NaN };
    };
    const idleFeed = await feed();
    let uploading = true;
    let uploaded = 0;
    const uploaders = Array.from({ length: 10 }, async (_, c) => {
      while (uploading) {
        await uploadOne(shutter!, tokens[c % tokens.length]!, pictures[(c + uploaded) % pictures.length]!);
        uploaded++;
      }
    });
    await pause(1000);
    const busyFeed = await feed();
    uploading = false;
    await Promise.all(uploaders);
    log(
      `feed at ${options.feedRate}/s: idle p50 ${idleFeed.p50Ms} ms, p99 ${idleFeed.p99Ms} ms ` +
        `(event-loop delay p99 ${idleFeed.loopDelayP99Ms} ms); during 10 concurrent uploads ` +
        `p50 ${busyFeed.p50Ms} ms, p99 ${busyFeed.p99Ms} ms (${busyFeed.loopDelayP99Ms} ms) ` +
        `(${uploaded} pictures meanwhile; errors ${idleFeed.errors + busyFeed.errors})`,
    );

    const summary = {
      ratio: round(median(rounds.map((r) => r.ratio))),
      shutterRate: round(median(rounds.map((r) => r.shutter.rate))),
      bareRate: round(median(rounds.map((r) => r.bare.rate))),
      shutterCpuMsPerPicture: Math.round(median(rounds.map((r) => r.shutter.cpuMsPerPicture))),
      bareCpuMsPerPicture: Math.round(median(rounds.map((r) => r.bare.cpuMsPerPicture))),
      postgresCpuMsPerPicture: Math.round(median(rounds.map((r) => r.shutter.postgresCpuMsPerPicture!))),
      idleRssMiB: mib(idleRss),
      peakRssMiB10Uploads: mib(burstRss),
      feedIdle: {
        p50Ms: idleFeed.p50Ms,
        p99Ms: idleFeed.p99Ms,
        loopDelayP99Ms: idleFeed.loopDelayP99Ms,
        errors: idleFeed.errors,
      },
      feedDuringUploads: {
        p50Ms: busyFeed.p50Ms,
        p99Ms: busyFeed.p99Ms,
        loopDelayP99Ms: busyFeed.loopDelayP99Ms,
        errors: busyFeed.errors,
      },
      loadAverage: os.loadavg().map((x) => round(x, 1)),
      target: { ratio: 0.8, met: median(rounds.map((r) => r.ratio)) >= 0.8 },
    };
    console.log('\n' + JSON.stringify(summary, null, 2));
    if (idleFeed.errors + busyFeed.errors > 0) throw new Error('feed requests failed');
    if (!options.smoke) {
      const file = path.join(
        ROOT,
        'bench',
        'results',
        `${new Date().toISOString().replace(/[:.]/g, '-')}-media.json`,
      );
      fs.writeFileSync(
        file,
        JSON.stringify(
          {
            options,
            picture: { width, height, bytes: sizes },
            cores: os.cpus().length,
            load: os.loadavg(),
            rounds,
            summary,
          },
          null,
          2,
        ),
      );
      log(`results in ${path.relative(ROOT, file)}`);
    }
  } finally {
    await shutter?.stop();
    pg.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
