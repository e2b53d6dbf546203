/**
 * A throwaway PostgreSQL 15 for one benchmark run: initdb in a temporary directory owned by
 * `nobody` (PostgreSQL refuses to run as root), on a free loopback port of our own range, with
 * pg_stat_statements preloaded. Durability is off (fsync, synchronous_commit): the harness
 * measures CPU and round trips, not this VM's disk.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Ports 55503..55510 are this harness's; other tools on the machine use other ones. */
const PORT_RANGE = [55503, 55510] as const;

export const SERVER_SETTINGS: Record<string, string> = {
  shared_preload_libraries: 'pg_stat_statements,auto_explain',
  // auto_explain.log_min_duration stays at its default (-1, off) until --explain sets it
  'auto_explain.log_analyze': 'on',
  'auto_explain.log_buffers': 'on',
  'auto_explain.log_timing': 'on',
  'auto_explain.log_nested_statements': 'on',
  'pg_stat_statements.max': '10000',
  'pg_stat_statements.track': 'top',
  'pg_stat_statements.track_utility': 'on',
  max_connections: '200',
  shared_buffers: '2GB',
  effective_cache_size: '8GB',
  work_mem: '32MB',
  maintenance_work_mem: '1GB',
  max_parallel_maintenance_workers: '2',
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  random_page_cost: '1.1',
  log_min_messages: 'warning',
};

export interface Postgres {
  readonly port: number;
  readonly dir: string;
  /** URL of a database on this server */
  url(database: string): string;
  /** pid of the postmaster (the parent of every backend) */
  readonly postmasterPid: number;
  readonly version: string;
  stop(): void;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function pickPort(): Promise<number> {
  for (let port = PORT_RANGE[0]; port <= PORT_RANGE[1]; port++) if (await portIsFree(port)) return port;
  throw new Error(`no free port in ${PORT_RANGE.join('..')} for PostgreSQL`);
}

const asNobody = (command: string) =>
  execFileSync('su', ['nobody', '-s', '/bin/sh', '-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function startPostgres(log: (msg: string) => void): Promise<Postgres> {
  const port = await pickPort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutter-bench-pg-'));
  fs.chmodSync(dir, 0o755);
  execFileSync('chown', ['nobody', dir]);
  const data = path.join(dir, 'data');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  let started = false;
  const stop = () => {
    if (!started) return fs.rmSync(dir, { recursive: true, force: true });
    started = false;
    try {
      asNobody(`pg_ctl -D ${quote(data)} -m fast -w stop`);
    } catch (error) {
      console.error(`pg_ctl stop failed: ${(error as Error).message}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    asNobody(`initdb -D ${quote(data)} -U postgres --auth=trust --no-sync -E UTF8 --locale=C`);
    // In the configuration file rather than on the command line, so ALTER SYSTEM can change them.
    const settings = Object.entries(SERVER_SETTINGS).map(([k, v]) => `${k} = '${v}'`);
    fs.appendFileSync(path.join(data, 'postgresql.conf'), `\n# shutter bench\n${settings.join('\n')}\n`);
    asNobody(`pg_ctl -D ${quote(data)} -o ${quote(options)} -l ${quote(path.join(dir, 'pg.log'))} -w start`);
    started = true;
    const postmasterPid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.end();
    log(`PostgreSQL ${rows[0]!.v} on 127.0.0.1:${port} (${dir})`);
    return { port, dir, url, postmasterPid, version: rows[0]!.v, stop };
  } catch (error) {
    const logFile = path.join(dir, 'pg.log');
    if (fs.existsSync(logFile)) console.error(fs.readFileSync(logFile, 'utf8'));
    stop();
    throw error;
  }
}

/** One statement on the `postgres` database, on a connection of its own. */
export async function adminQuery(server: Postgres, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
