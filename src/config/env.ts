import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
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
    SEED_DEMO_DATA: bool.optional(),

    SESSION_TTL_DAYS: int(1, 3650).default(30),
    ARGON2_MEMORY_KIB: int(19_456, 4_194_304).default(19_456),
    ARGON2_TIME_COST: int(2, 100).default(2),
    ARGON2_PARALLELISM: int(1, 16).default(1),

    CORS_ORIGINS: list.default([]),
    INTROSPECTION: bool.optional(),
    SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1_000, 600_000).default(65_000),

    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),

    // WebSocket (graphql-ws) limits; see .env.example
    WS_MAX_PAYLOAD_BYTES: int(1024, 16 * 1024 * 1024).default(64 * 1024),
    WS_CONNECTION_INIT_TIMEOUT_MS: int(100, 60_000).default(3_000),
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: int(1, 1000).default(20),
    WS_MAX_SOCKETS_PER_USER: int(1, 10_000).default(10),
  })
  .transform((env) => ({
    ...env,
    isProduction: env.NODE_ENV === 'production',
    introspection: env.INTROSPECTION ?? env.NODE_ENV !== 'production',
    embeddedDatabase: env.DATABASE_URL === undefined,
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
