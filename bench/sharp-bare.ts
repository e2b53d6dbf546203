/**
 * Bare sharp making the renditions Shutter makes of a post's picture (WebP at 320/640/1080,
 * capped at the original, from one decode to 1080; a BlurHash from a 32 px copy), in a fresh
 * process like the server, `concurrency` pictures at once: the ceiling for the upload path.
 *   node --import tsx bench/sharp-bare.ts <dir of .jpg> <pictures> <concurrency>   -> JSON on stdout
 */
import fs from 'node:fs';
import path from 'node:path';
import { encode } from 'blurhash';
import sharp from 'sharp';

sharp.cache(false);

async function renditions(bytes: Buffer): Promise<void> {
  const base = await sharp(bytes, { limitInputPixels: 50_000_000 })
    .rotate()
    .resize({ width: 1080, withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = base.info;
  const pixels = () => sharp(base.data, { raw: { width, height, channels: 3 } });
  const widths = [...new Set([320, 640, 1080].map((w) => Math.min(w, width)))];
  await Promise.all(
    widths.map((w) =>
      pixels()
        .resize({ width: w, height: Math.max(1, Math.round((height * w) / width)), fit: 'fill' })
        .webp({ quality: 80 })
        .toBuffer(),
    ),
  );
  const small = await pixels()
    .resize({ width: 32, height: 32, fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  encode(new Uint8ClampedArray(small.data), small.info.width, small.info.height, 4, 3);
}

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const count = Number(process.argv[3] ?? 12);
  const concurrency = Number(process.argv[4] ?? 2);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f)));
  await renditions(files[0]!); // warm-up: libvips loads its codecs once
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) await renditions(files[next++ % files.length]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({
      pictures: count,
      seconds,
      rate: count / seconds,
      cpuMsPerPicture: (user + system) / 1000 / count,
    }) + '\n',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
