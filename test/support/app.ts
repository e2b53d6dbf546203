import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { ReadPolicy } from '../../src/core/visibility';
import { PasswordHasher } from '../../src/security/passwords';
import { parseConfig, type Config } from '../../src/config';
import { startApp, type RunningApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';
import { createTestDatabase, type TestDatabase } from './database';
import { TEST_LIMITS } from './env';
import { comparingExecutors, isRead, postToBoth } from './compare-executors';

export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

export interface GraphQLResponse<T> {
  status: number;
  data: T;
  errors?: GraphQLErrorBody[];
  extensions?: Record<string, any>;
  /** the raw response text, for "never contains ..." checks */
  text: string;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  readonly db: TestDatabase;
  readonly app: RunningApp;
  readonly config: Config;
  /** the app's password hasher (tests watch its hash queue) */
  readonly passwords: PasswordHasher;
  readonly url: string;
  /** POSTs one operation to /graphql, as a client would. */
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/**
 * The real server (HTTP + WebSocket) on a random port, over this test file's own database.
 * `env` overrides settings as environment variables would; `db` runs this instance
 * over an existing database instead of a new one (several instances, one database).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  {
    db: sharedDb,
    logLines,
    policy,
  }: { db?: TestDatabase; logLines?: Record<string, any>[]; policy?: ReadPolicy } = {},
): Promise<TestApp> {
  // A given database (e.g. shared by two instances) belongs to the caller, who closes it.
  const db = sharedDb ?? (await createTestDatabase());
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...TEST_LIMITS,
    // Test files share one Redis in CI; each app counts on its own unless told otherwise.
    RATE_LIMIT_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}`,
    // Each app stores uploaded photos apart (several share a folder only when told to).
    MEDIA_DIR: path.join(os.tmpdir(), `shutter-media-${randomBytes(6).toString('hex')}`),
    // The media sweeper writes on its own timer (media_sweeps, media_garbage), whatever requests
    // arrive: a test that checks a refused request wrote nothing would see a sweep. Tests of the
    // sweeper start it themselves.
    MEDIA_SWEEP_INTERVAL_MS: '0',
    ...env,
  });
  // `logLines` collects what the server logs, parsed, for tests of what it logs and how.
  const log = logLines
    ? createLogger(config, { write: (line: string) => void logLines.push(JSON.parse(line)) })
    : createLogger(config);
  const passwords = PasswordHasher.fromConfig(config);
  const app = await startApp(
    { config, log, prisma: db.prisma, passwords, ping: db.ping, policy },
    0,
    '127.0.0.1',
  );
  const twin = comparingExecutors ? await startTwin(config, db, policy) : null;
  return {
    db,
    app,
    config,
    passwords,
    url: app.url,
    gql: (query, variables, options) =>
      twin && isRead(query)
        ? postToBoth(postGraphQL, { app: app.url, twin: twin.url }, db.statements, query, variables, options)
        : postGraphQL(app.url, query, variables, options),
    async stop() {
      await app.stop();
      await twin?.stop();
      if (!sharedDb) await db.close();
    },
  };
}

/** The same app executing with graphql-js, silent, with rate-limit counters of its own. */
function startTwin(config: Config, db: TestDatabase, policy: ReadPolicy | undefined): Promise<RunningApp> {
  const twinConfig: Config = {
    ...config,
    GRAPHQL_EXECUTOR: 'graphql-js',
    // The twin hears no revocation (a pub/sub of its own), so it checks every token afresh.
    SESSION_CACHE_MS: 0,
    RATE_LIMIT_KEY_PREFIX: `${config.RATE_LIMIT_KEY_PREFIX}-twin`,
  };
  return startApp(
    {
      config: twinConfig,
      log: createLogger({ ...twinConfig, LOG_LEVEL: 'silent' }),
      prisma: db.prisma,
      passwords: PasswordHasher.fromConfig(twinConfig),
      ping: db.ping,
      policy,
    },
    0,
    '127.0.0.1',
  );
}

export async function postGraphQL<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  const body = JSON.parse(text) as { data: T; errors?: GraphQLErrorBody[]; extensions?: Record<string, any> };
  return { status: res.status, data: body.data, errors: body.errors, extensions: body.extensions, text };
}

/** The error codes of a response, in order, e.g. ['BAD_USER_INPUT']. */
export const codesOf = (res: { errors?: GraphQLErrorBody[] }): (string | undefined)[] =>
  (res.errors ?? []).map((e) => e.extensions?.code);
