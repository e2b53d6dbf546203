import { Semaphore } from 'async-mutex';
import { rateLimited } from './errors';

/** What a work line is doing, for tests and diagnostics. */
export interface WorkLineStats {
  running: number;
  waiting: number;
  /** the most jobs ever run at once */
  peakRunning: number;
  /** jobs started since start-up */
  started: number;
}

/**
 * Expensive work that holds memory and a thread while it runs (an argon2 hash, a picture
 * decoded by sharp): at most `maxConcurrent` jobs at once, the rest wait in line, at most
 * `maxQueue` of them; beyond that the request is refused with RATE_LIMITED (retry in 1 s), so
 * a burst costs bounded memory and leaves libuv's threads for other work.
 */
export class WorkLine {
  private readonly slots: Semaphore;
  readonly stats: WorkLineStats = { running: 0, waiting: 0, peakRunning: 0, started: 0 };

  constructor(
    maxConcurrent: number,
    private readonly maxQueue: number,
  ) {
    this.slots = new Semaphore(maxConcurrent);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const { stats } = this;
    if (this.slots.isLocked() && stats.waiting >= this.maxQueue) throw rateLimited(1);
    stats.waiting += 1;
    const [, release] = await this.slots.acquire();
    stats.waiting -= 1;
    stats.running += 1;
    stats.started += 1;
    stats.peakRunning = Math.max(stats.peakRunning, stats.running);
    try {
      return await work();
    } finally {
      stats.running -= 1;
      release();
    }
  }
}
