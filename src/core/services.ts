import type { Config, RateLimit } from '../config';

/**
 * The long-lived services a request reaches through its context, as the domains see them; the
 * implementations live in security/ (argon2 hashing, rate-limiter-flexible counters).
 */
export interface PasswordHashing {
  hash(password: string): Promise<string>;
  /** Checks against a dummy hash when `hash` is null, so an unknown login takes as long. */
  verify(hash: string | null, password: string): Promise<boolean>;
  /** True when `hash` was made with other parameters than the configured ones. */
  needsRehash(hash: string): boolean;
}

/** A setting of Config that holds a rate limit. */
export type RateLimitSetting = Exclude<
  { [K in keyof Config]: Config[K] extends RateLimit | null ? K : never }[keyof Config],
  undefined
>;

/**
 * A mutation that spends a budget on every call: the setting that sizes it, and whom it is
 * counted against (the viewer, or the client address for mutations made before having one).
 */
export interface LimitedAction {
  setting: RateLimitSetting;
  per: 'viewer' | 'address';
}

/** Limited mutations by name, as the domains declare them. */
export type LimitedActions = Readonly<Record<string, LimitedAction>>;

export interface RateLimits {
  /** Spends one attempt of `action` for `key`; RATE_LIMITED when none is left in the window. */
  consume(action: string, key: string): Promise<void>;
  /** Failed-login throttling: see LoginAttempt. */
  beginLogin(clientAddress: string): Promise<LoginAttempt>;
  close(): Promise<void>;
}

/**
 * One logIn attempt. It counts before the password is checked (so concurrent requests and
 * aliases in one request each count, and a throttled attempt costs no hash), against the
 * client address first and then the account; a success gives the address its attempt back
 * and clears the account's count, so only failures add up.
 */
export interface LoginAttempt {
  /** `account` identifies the account tried (its id, or the login when there is none). */
  forAccount(account: string): Promise<void>;
  succeeded(): Promise<void>;
}
