import argon2 from 'argon2';
import type { Config } from '../config';
import { WorkLine, type WorkLineStats } from '../core/work-line';

export interface PasswordHashingOptions {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
  /** hashes computed at once; each holds `memoryKiB` and a libuv thread while it runs */
  maxConcurrent: number;
  /** hashes that may wait for a slot; beyond that a request is refused with RATE_LIMITED */
  maxQueue: number;
}

/** What the hash queue is doing, for tests and diagnostics. */
export type HashingStats = WorkLineStats;

/**
 * argon2id with configurable cost (OWASP minimum m=19 MiB, t=2, p=1). The encoded hash carries
 * its own parameters, so raising the cost later only affects new hashes and rehash-on-login.
 *
 * At most `maxConcurrent` hashes run at once, the rest wait in line, at most `maxQueue` of them
 * (a WorkLine), so a flood of logins or sign-ups costs bounded memory and leaves libuv's
 * thread pool (4 threads by default) free for other work.
 */
export class PasswordHasher {
  private readonly dummyHash: Promise<string>;
  private readonly line: WorkLine;

  get stats(): HashingStats {
    return this.line.stats;
  }

  static fromConfig(
    config: Pick<
      Config,
      | 'ARGON2_MEMORY_KIB'
      | 'ARGON2_TIME_COST'
      | 'ARGON2_PARALLELISM'
      | 'ARGON2_MAX_CONCURRENT'
      | 'ARGON2_MAX_QUEUE'
    >,
  ) {
    return new PasswordHasher({
      memoryKiB: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_TIME_COST,
      parallelism: config.ARGON2_PARALLELISM,
      maxConcurrent: config.ARGON2_MAX_CONCURRENT,
      maxQueue: config.ARGON2_MAX_QUEUE,
    });
  }

  constructor(private readonly options: PasswordHashingOptions) {
    this.line = new WorkLine(options.maxConcurrent, options.maxQueue);
    // Compared against when the login is unknown, so that path costs a real verification too.
    this.dummyHash = this.hash('not-a-real-password-just-timing-cover');
  }

  hash(password: string): Promise<string> {
    return this.line.run(() =>
      argon2.hash(password, {
        type: argon2.argon2id,
        memoryCost: this.options.memoryKiB,
        timeCost: this.options.timeCost,
        parallelism: this.options.parallelism,
      }),
    );
  }

  /** Verifies against `hash`, or against a dummy hash when there is none (unknown user). */
  async verify(hash: string | null, password: string): Promise<boolean> {
    const target = hash ?? (await this.dummyHash);
    const ok = await this.line.run(() => argon2.verify(target, password).catch(() => false));
    return ok && hash !== null;
  }

  /** True when `hash` was made with other parameters than the configured ones. */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, {
      memoryCost: this.options.memoryKiB,
      timeCost: this.options.timeCost,
      parallelism: this.options.parallelism,
    });
  }
}
