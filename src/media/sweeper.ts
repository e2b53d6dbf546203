import type { Logger } from 'pino';
import type { AppServices } from '../core/context';
import type { StorageArea } from './storage';

type SweepDeps = Pick<AppServices, 'prisma' | 'media' | 'config'>;

export interface SweepReport {
  expiredUploads: number;
  garbage: number;
  /** files found with no row, removed by the orphan scan; null when another instance had it */
  orphans: number | null;
}

const BATCH = 100;

/**
 * Removes stored files that no row points at any more. Rows always go first (files are
 * removed after), so a crash at any point leaves at worst files without rows, never the
 * reverse. Each step claims its work in the database, so instances sweeping at once never
 * take the same item:
 * 1. expired uploads, used or not: rows deleted (claimed with SKIP LOCKED), then their bytes;
 * 2. garbage written by triggers when a post's media or an avatar went: row, then renditions;
 * 3. orphans, files whose rows never came (a crash between writing files and rows) or whose
 *    removal failed: once per MEDIA_ORPHAN_GRACE_SECONDS, one instance lists the storage and
 *    removes every key older than that grace that no row names. Younger ones are left alone:
 *    renditions are written before the transaction that names them commits, so a request
 *    still running may own them.
 */
export async function sweepMedia(deps: SweepDeps): Promise<SweepReport> {
  const { prisma, media } = deps;
  let expiredUploads = 0;
  for (;;) {
    const rows = await prisma.$queryRaw<{ key: string }[]>`
      DELETE FROM uploads WHERE id IN (
        SELECT id FROM uploads WHERE expires_at <= now() ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
      ) RETURNING key`;
    await Promise.all(rows.map((row) => media.storage.deleteUpload(row.key)));
    expiredUploads += rows.length;
    if (rows.length < BATCH) break;
  }
  let garbage = 0;
  for (;;) {
    const rows = await prisma.$queryRaw<{ key: string }[]>`
      DELETE FROM media_garbage WHERE id IN (
        SELECT id FROM media_garbage ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
      ) RETURNING key`;
    await Promise.all(rows.map((row) => media.storage.deleteRenditions(row.key)));
    garbage += rows.length;
    if (rows.length < BATCH) break;
  }
  return { expiredUploads, garbage, orphans: await scanOrphans(deps) };
}

async function scanOrphans({ prisma, media, config }: SweepDeps): Promise<number | null> {
  const graceSeconds = config.MEDIA_ORPHAN_GRACE_SECONDS;
  const claimed = await prisma.$queryRaw<unknown[]>`
    INSERT INTO media_sweeps (id, scanned_at) VALUES (1, now())
    ON CONFLICT (id) DO UPDATE SET scanned_at = now()
      WHERE media_sweeps.scanned_at <= now() - make_interval(secs => ${graceSeconds})
    RETURNING id`;
  if (claimed.length === 0) return null;
  const olderThan = Date.now() - graceSeconds * 1000;
  let removed = 0;
  for (const area of ['uploads', 'media'] as const) {
    const candidates = new Set<string>();
    for await (const stored of media.storage.listKeys(area)) {
      if (stored.lastModified.getTime() < olderThan) candidates.add(stored.key);
    }
    const keys = [...candidates];
    for (let i = 0; i < keys.length; i += 500) {
      const batch = keys.slice(i, i + 500);
      const named = new Set(await namedKeys(prisma, area, batch));
      const orphans = batch.filter((key) => !named.has(key));
      await Promise.all(
        orphans.map((key) =>
          area === 'uploads' ? media.storage.deleteUpload(key) : media.storage.deleteRenditions(key),
        ),
      );
      removed += orphans.length;
    }
  }
  return removed;
}

/**
 * The keys of `keys` that a row still names. An upload row names its bytes until step 1 removes
 * both (used or not), and a garbage row its renditions until step 2 does: the scan leaves those
 * to the step that claimed them rather than removing them a second time. (A step that commits
 * its claim between the scan's listing and this check may still see its key removed twice,
 * which is harmless: removing what is gone is a no-op.)
 */
async function namedKeys(prisma: SweepDeps['prisma'], area: StorageArea, keys: string[]): Promise<string[]> {
  const rows =
    area === 'uploads'
      ? await prisma.$queryRaw<{ key: string }[]>`
          SELECT key FROM uploads WHERE key = ANY(${keys})`
      : await prisma.$queryRaw<{ key: string }[]>`
          SELECT asset_key AS key FROM post_media WHERE asset_key = ANY(${keys})
          UNION SELECT avatar_key FROM users WHERE avatar_key = ANY(${keys})
          UNION SELECT key FROM media_garbage WHERE key = ANY(${keys})`;
  return rows.map((row) => row.key);
}

/** Sweeps every MEDIA_SWEEP_INTERVAL_MS (0: never) on this instance; stop() waits for a running sweep. */
export function startMediaSweeper(deps: SweepDeps, log: Logger) {
  const every = deps.config.MEDIA_SWEEP_INTERVAL_MS;
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= sweepMedia(deps)
      .then((report) => {
        if (report.expiredUploads || report.garbage || report.orphans) log.info({ report }, 'media swept');
      })
      .catch((err: unknown) => log.warn({ err }, 'media sweep failed; retrying at the next interval'))
      .finally(() => (running = null));
  };
  const timer = every > 0 ? setInterval(tick, every) : null;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
