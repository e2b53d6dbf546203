import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config';
import type { Database } from '../../src/db/database';
import { openConfiguredDatabase } from '../../src/db/from-config';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/app';
import type { TestDatabase } from '../support/database';
import { freePort } from '../support/process';

/**
 * Helpers for the fault tests: a database opened from settings exactly as `main.ts` opens it
 * (so the pool options under test are the real wiring), an app over it, and a PostgreSQL
 * server of the test's own that it may stop and restart.
 */

/**
 * `describe` when a real PostgreSQL is at hand (DATABASE_URL, and with `binaries`, initdb and
 * pg_ctl on PATH to run a server of the test's own); otherwise `describe.skip`, saying why.
 */
export function describeOnPostgres(file: string, { binaries = false } = {}): jest.Describe {
  const missing = !process.env.DATABASE_URL
    ? 'set DATABASE_URL to run it (CI does)'
    : binaries && spawnSync('pg_ctl', ['--version']).status !== 0
      ? 'needs initdb and pg_ctl (PostgreSQL 15) on PATH'
      : null;
  if (missing === null) return describe;
  console.warn(`SKIPPED ${file}: needs a real PostgreSQL; ${missing}.`);
  return describe.skip;
}

/** Opens `url` through the configuration path main.ts uses, with these settings. */
export async function openFromSettings(
  url: string,
  settings: Record<string, string>,
  onPoolError?: (err: Error) => void,
): Promise<Database> {
  const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: url, ...settings });
  return openConfiguredDatabase(config, onPoolError);
}

/** The real server over a database the caller owns (and closes). */
export function startAppOver(db: Database, env: Record<string, string> = {}): Promise<TestApp> {
  const testDb: TestDatabase = { ...db, reset: async () => {}, close: db.close };
  return startTestApp(env, { db: testDb });
}

/** Every error code of a response; a transport failure (no HTTP answer) is 'NO_RESPONSE'. */
export async function codesOrNoResponse(request: Promise<GraphQLResponse<unknown>>): Promise<string[]> {
  try {
    const res = await request;
    return (res.errors ?? []).map((e) => String(e.extensions?.code));
  } catch {
    return ['NO_RESPONSE'];
  }
}

/** What must never reach a client, whatever failed. */
export const LEAK_PATTERN = /prisma|SELECT |INSERT |\bat .+\(|\.ts:\d+|ECONN|postgres|pg_|invocation/i;

/** Polls `check` until it returns true, failing after `ms`. Not a sleep: it ends at success. */
export async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function readyStatus(app: TestApp): Promise<number> {
  return (await fetch(app.url.replace(/\/graphql$/, '/readyz'))).status;
}

const run = promisify(execFile);

/**
 * A PostgreSQL 15 server of the test's own, in a temporary directory on a free port, so it
 * can be stopped and restarted without touching anyone else's. PostgreSQL refuses to run as
 * root: as root, it runs as `nobody`. Every command is asynchronous, so the server under test
 * (in this process) keeps serving while PostgreSQL goes down and comes back.
 */
export class PostgresServer {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<PostgresServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-pg-'));
    fs.chmodSync(dir, 0o755);
    if (process.getuid?.() === 0) await run('chown', ['nobody', dir]);
    const server = new PostgresServer(dir, await freePort());
    await server.shell(`initdb -D '${dir}/data' -U postgres --auth=trust`);
    await server.pgCtl('start');
    return server;
  }

  stop(mode: 'fast' | 'immediate'): Promise<void> {
    return this.pgCtl(`stop -m ${mode}`);
  }

  restart(mode: 'fast' | 'immediate'): Promise<void> {
    return this.pgCtl(`restart -m ${mode}`);
  }

  startAgain(): Promise<void> {
    return this.pgCtl('start');
  }

  async destroy(): Promise<void> {
    await this.pgCtl('stop -m immediate').catch(() => {}); // may be stopped already
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private pgCtl(args: string): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`;
    return this.shell(`pg_ctl -w -D '${this.dir}/data' -o '${options}' -l '${this.dir}/pg.log' ${args}`);
  }

  private async shell(command: string): Promise<void> {
    const asNobody = process.getuid?.() === 0;
    await run(
      asNobody ? 'su' : 'sh',
      asNobody ? ['nobody', '-s', '/bin/sh', '-c', command] : ['-c', command],
      {
        timeout: 60_000,
      },
    );
  }
}

type Queryable = Pick<Database['prisma'], '$queryRaw'>;

/**
 * Rows whose trigger-kept counter disagrees with the rows it counts, and rows pointing at
 * nothing (impossible while the foreign keys hold: this checks that they do). All zero in a
 * sound database.
 */
export async function inconsistencies(prisma: Queryable): Promise<Record<string, number>> {
  const [row] = await prisma.$queryRaw<Record<string, number>[]>`
    SELECT
      (SELECT count(*)::int FROM users u
        WHERE u.post_count <> (SELECT count(*) FROM posts p WHERE p.author_id = u.id)) AS post_counts,
      (SELECT count(*)::int FROM users u
        WHERE u.follower_count <> (SELECT count(*) FROM follows f WHERE f.followee_id = u.id)) AS follower_counts,
      (SELECT count(*)::int FROM users u
        WHERE u.following_count <> (SELECT count(*) FROM follows f WHERE f.follower_id = u.id)) AS following_counts,
      (SELECT count(*)::int FROM posts p
        WHERE p.like_count <> (SELECT count(*) FROM likes l WHERE l.post_id = p.id)) AS like_counts,
      (SELECT count(*)::int FROM posts p
        WHERE p.comment_count <> (SELECT count(*) FROM comments c WHERE c.post_id = p.id)) AS comment_counts,
      (SELECT count(*)::int FROM posts p
        WHERE NOT EXISTS (SELECT 1 FROM post_media m WHERE m.post_id = p.id)) AS posts_without_media,
      (SELECT count(*)::int FROM post_media m
        WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = m.post_id)) AS orphan_media,
      (SELECT count(*)::int FROM comments c
        WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id)
           OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.author_id)) AS orphan_comments,
      (SELECT count(*)::int FROM likes l
        WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = l.post_id)
           OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.user_id)) AS orphan_likes,
      (SELECT count(*)::int FROM follows f
        WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = f.follower_id)
           OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = f.followee_id)) AS orphan_follows,
      (SELECT count(*)::int FROM sessions s
        WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id)) AS orphan_sessions,
      (SELECT count(*)::int FROM notifications n
        WHERE n.actor_count <> (SELECT count(*) FROM notification_actors a WHERE a.notification_id = n.id)
           OR n.actor_count = 0) AS notification_actor_counts`;
  return Object.fromEntries(Object.entries(row!).filter(([, n]) => n !== 0));
}

/**
 * A test-only fault: a trigger that makes PostgreSQL raise `sqlState` (an ordinary error by
 * default) when `op` touches a row of `table` matching `when`, so a multi-row write fails
 * midway. With `times`, only the first that many matching rows fail (a sequence counts them,
 * and sequences are not rolled back). Returns the remover; `attempts()` says how many
 * matching rows were tried.
 */
export async function injectFailure(
  prisma: Pick<Database['prisma'], '$executeRawUnsafe' | '$queryRawUnsafe'>,
  options: {
    table: string;
    op: 'INSERT' | 'UPDATE' | 'DELETE';
    when?: string;
    sqlState?: string;
    times?: number;
  },
): Promise<{ remove: () => Promise<void>; attempts: () => Promise<number> }> {
  const name = `test_fault_${options.table}_${options.op.toLowerCase()}`;
  const limit = options.times ?? 2_147_483_647;
  await prisma.$executeRawUnsafe(`CREATE SEQUENCE ${name}_seq`);
  await prisma.$executeRawUnsafe(`
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('${name}_seq') <= ${limit} THEN
        RAISE EXCEPTION 'injected failure in ${options.table}' USING ERRCODE = '${options.sqlState ?? 'P0001'}';
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$`);
  await prisma.$executeRawUnsafe(`
    CREATE TRIGGER ${name} BEFORE ${options.op} ON ${options.table}
    FOR EACH ROW WHEN (${options.when ?? 'true'}) EXECUTE FUNCTION ${name}()`);
  return {
    remove: async () => {
      await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${name} ON ${options.table}`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${name}()`);
      await prisma.$executeRawUnsafe(`DROP SEQUENCE IF EXISTS ${name}_seq`);
    },
    attempts: async () => {
      const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(
        `SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::int AS n FROM ${name}_seq`,
      );
      return row!.n;
    },
  };
}

/**
 * The app of a fault-injection test file, started once: `fail` injects a failure that is
 * removed after the test, and after every test each counter must still equal its rows.
 */
export function faultInjectionApp(): {
  readonly app: TestApp;
  fail(options: Parameters<typeof injectFailure>[1]): ReturnType<typeof injectFailure>;
} {
  let app: TestApp | undefined;
  let removeFault: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterEach(async () => {
    await removeFault?.();
    removeFault = undefined;
    expect(await inconsistencies(app!.db.prisma)).toEqual({});
  });
  afterAll(() => app?.stop());
  return {
    get app() {
      return app!;
    },
    async fail(options) {
      const fault = await injectFailure(app!.db.prisma, options);
      removeFault = fault.remove;
      return fault;
    },
  };
}
