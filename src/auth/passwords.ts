import argon2 from 'argon2';
import type { Config } from '../config';

export interface PasswordHashingOptions {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id with configurable cost (OWASP minimum m=19 MiB, t=2, p=1). The encoded hash carries
 * its own parameters, so raising the cost later only affects new hashes and rehash-on-login.
 */
export class PasswordHasher {
  private readonly dummyHash: Promise<string>;

  static fromConfig(config: Pick<Config, 'ARGON2_MEMORY_KIB' | 'ARGON2_TIME_COST' | 'ARGON2_PARALLELISM'>) {
    return new PasswordHasher({
      memoryKiB: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_TIME_COST,
      parallelism: config.ARGON2_PARALLELISM,
    });
  }

  constructor(private readonly options: PasswordHashingOptions) {
    // Compared against when the login is unknown, so that path costs a real verification too.
    this.dummyHash = this.hash('not-a-real-password-just-timing-cover');
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.options.memoryKiB,
      timeCost: this.options.timeCost,
      parallelism: this.options.parallelism,
    });
  }

  /** Verifies against `hash`, or against a dummy hash when there is none (unknown user). */
  async verify(hash: string | null, password: string): Promise<boolean> {
    const target = hash ?? (await this.dummyHash);
    try {
      const ok = await argon2.verify(target, password);
      return ok && hash !== null;
    } catch {
      return false;
    }
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
