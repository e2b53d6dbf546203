import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Where SHUTTER_FAULT_POINT may crash the process (src/core/faults.ts). */
export const FAULT_POINTS = ['media-after-files'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * Browser origins, each exactly as a browser sends it in `Origin` (scheme, host, port if not
 * the default, nothing after): a trailing slash or a path would never match and fail silently.
 */
const origins = list.refine(
  (values) => values.every(isOrigin),
  'must be comma-separated origins such as https://app.example.com or http://localhost:5173 (no path, no trailing slash)',
);

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

const SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/** A rate limit: "10/15m" = 10 per 15 minutes (fixed window); "off" = no limit (null). */
export interface RateLimit {
  points: number;
  seconds: number;
}
const rate = z
  .string()
  .regex(/^(off|\d{1,9}\/\d{1,6}[smhd])$/, 'must be "<count>/<number><s|m|h|d>", e.g. 10/15m, or "off"')
  .transform((v): RateLimit | null => {
    if (v === 'off') return null;
    const [, points, amount, unit] = /^(\d+)\/(\d+)([smhd])$/.exec(v)!;
    return { points: Number(points), seconds: Number(amount) * SECONDS[unit as keyof typeof SECONDS] };
  })
  .refine((v) => v === null || (v.points > 0 && v.seconds > 0), 'count and window must be above 0');

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Express's "trust proxy", which decides the client address that per-address limits count:
 * false (the socket's peer), a hop count, or the proxies' addresses/subnets/names.
 */
const trustProxy = z
  .string()
  .transform((v): false | number | string[] => {
    if (v === 'false' || v === '0') return false;
    if (/^\d+$/.test(v)) return Number(v);
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  })
  .refine(
    (v) => !Array.isArray(v) || v.every((p) => PROXY_NAMES.has(p) || isIP(p.split('/')[0]!) !== 0),
    'must be false, a hop count, or comma-separated addresses, subnets, loopback, linklocal, uniquelocal',
  );

/**
 * Every setting Shutter reads, with its default. `.env.example` documents each one; keep the
 * two in step. Values come from the process environment (and `.env`, loaded by the entry
 * point), are parsed once at start-up, and are never read from `process.env` elsewhere.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65535).default(4000),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('./.data'),
    DATABASE_POOL_SIZE: int(1, 1000).default(10),
    DATABASE_CONNECT_TIMEOUT_MS: int(100, 600_000).default(5_000),
    DATABASE_STATEMENT_TIMEOUT_MS: int(0, 3_600_000).default(30_000),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(0, 3_600_000).default(10_000),
    DATABASE_PREPARED_STATEMENTS: bool.default(true),
    SEED_DEMO_DATA: bool.optional(),

    SESSION_TTL_DAYS: int(1, 3650).default(30),
    SESSION_CACHE_MS: int(0, 300_000).default(30_000),
    ARGON2_MEMORY_KIB: int(19_456, 4_194_304).default(19_456),
    ARGON2_TIME_COST: int(2, 100).default(2),
    ARGON2_PARALLELISM: int(1, 16).default(1),

    CORS_ORIGINS: origins.default([]),
    INTROSPECTION: bool.optional(),
    SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1_000, 600_000).default(65_000),
    HEAP_GROWTH_PERCENT: int(0, 1000).default(100),

    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),

    // WebSocket (graphql-ws) limits; see .env.example
    WS_MAX_PAYLOAD_BYTES: int(1024, 16 * 1024 * 1024).default(64 * 1024),
    WS_CONNECTION_INIT_TIMEOUT_MS: int(100, 60_000).default(3_000),
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: int(1, 1000).default(20),
    WS_MAX_SOCKETS_PER_USER: int(1, 10_000).default(10),

    // Operation limits (HTTP and WebSocket alike) and transport; see the README's Security
    MAX_QUERY_DEPTH: int(2, 100).default(10),
    MAX_ALIASES: int(0, 1000).default(15),
    MAX_DIRECTIVES: int(0, 1000).default(50),
    MAX_TOKENS: int(100, 100_000).default(1000),
    MAX_COST: int(100, 10_000_000).default(10_000),
    HTTP_MAX_BODY_BYTES: int(1024, 16 * 1024 * 1024).default(100 * 1024),
    GRAPHQL_EXECUTOR: z.enum(['compiled', 'graphql-js']).default('compiled'),
    COMPRESSION: z.enum(['on', 'off']).default('on'),
    TRUST_PROXY: trustProxy.default(false),

    // Abuse limits: "<attempts>/<window>" (window in s, m, h or d), or "off"
    RATE_LIMIT_LOGIN_ACCOUNT: rate.prefault('10/15m'),
    RATE_LIMIT_LOGIN_ADDRESS: rate.prefault('50/15m'),
    RATE_LIMIT_SIGN_UP: rate.prefault('20/1h'),
    RATE_LIMIT_CREATE_POST: rate.prefault('50/1h'),
    RATE_LIMIT_ADD_COMMENT: rate.prefault('200/1h'),
    RATE_LIMIT_LIKE_POST: rate.prefault('500/1h'),
    RATE_LIMIT_FOLLOW: rate.prefault('200/1h'),
    RATE_LIMIT_BLOCK: rate.prefault('100/1h'),
    RATE_LIMIT_MUTE: rate.prefault('100/1h'),
    RATE_LIMIT_REPORT: rate.prefault('30/1h'),
    RATE_LIMIT_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:.-]{1,64}$/)
      .default('shutter'),
    ARGON2_MAX_CONCURRENT: int(1, 64).default(2),
    ARGON2_MAX_QUEUE: int(0, 100_000).default(100),

    // Media (photo uploads); see the README's "Photos"
    PUBLIC_URL: httpUrl.optional(),
    MEDIA_DIR: z.string().min(1).optional(),
    MEDIA_PUBLIC_URL: httpUrl.optional(),
    MEDIA_SIGNING_SECRET: z.string().min(32).optional(),
    MEDIA_MAX_BYTES: int(1024, 1024 * 1024 * 1024).default(20 * 1024 * 1024),
    MEDIA_MAX_PIXELS: int(1_000, 1_000_000_000).default(50_000_000),
    MEDIA_UPLOAD_TTL_SECONDS: int(1, 7 * 86_400).default(3_600),
    MEDIA_PROCESSING_CONCURRENCY: int(1, 64).default(2),
    MEDIA_PROCESSING_QUEUE: int(0, 10_000).default(20),
    MEDIA_SWEEP_INTERVAL_MS: int(0, 86_400_000).default(60_000),
    MEDIA_ORPHAN_GRACE_SECONDS: int(1, 7 * 86_400).default(3_600),
    RATE_LIMIT_CREATE_UPLOAD: rate.prefault('100/1h'),
    S3_BUCKET: z.string().min(3).max(63).optional(),
    S3_ENDPOINT: httpUrl.optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: bool.default(false),

    // For the crash-safety tests only (see src/core/faults.ts); refused in production.
    SHUTTER_FAULT_POINT: z.enum(FAULT_POINTS).optional(),
  })
  .refine((env) => env.SHUTTER_FAULT_POINT === undefined || env.NODE_ENV !== 'production', {
    path: ['SHUTTER_FAULT_POINT'],
    message: 'is a test hook: never set in production',
  })
  .transform((env) => ({
    ...env,
    isProduction: env.NODE_ENV === 'production',
    introspection: env.INTROSPECTION ?? env.NODE_ENV !== 'production',
    embeddedDatabase: env.DATABASE_URL === undefined,
    mediaDir: env.MEDIA_DIR ?? path.join(env.DATA_DIR, 'media'),
  }));

export type Config = z.output<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError that lists every problem at once. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "unset", as in most shells' `VAR= cmd` usage.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return result.data;
}
