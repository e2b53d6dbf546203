import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client';
import { observeAdapterFactory, StatementObserver } from './instrument';
import {
  pgliteMigrationConnection,
  pgMigrationConnection,
  type MigrationConnection,
} from './migrations/connection';

export type DatabaseOptions =
  | { kind: 'embedded'; dataDir: string | null /* null = in memory */ }
  | {
      kind: 'postgres';
      url: string;
      poolSize: number;
      connectTimeoutMs: number;
      statementTimeoutMs: number;
      onPoolError?: (err: Error) => void;
    };

export interface Database {
  readonly kind: DatabaseOptions['kind'];
  readonly prisma: PrismaClient;
  /** Every SQL statement Prisma sends goes through here (see instrument.ts). */
  readonly statements: StatementObserver;
  /** A single dedicated connection for migrations (advisory lock, scripts). */
  migrationConnection(): Promise<MigrationConnection>;
  /** Throws unless the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'embedded' ? openEmbedded(options.dataDir) : openPostgres(options);
}

function wrap(
  kind: DatabaseOptions['kind'],
  factory: SqlDriverAdapterFactory,
  rest: Pick<Database, 'migrationConnection' | 'ping'> & { closeDriver: () => Promise<void> },
): Database {
  const statements = new StatementObserver();
  const prisma = new PrismaClient({ adapter: observeAdapterFactory(factory, statements) });
  let closed: Promise<void> | undefined;
  return {
    kind,
    prisma,
    statements,
    migrationConnection: rest.migrationConnection,
    ping: rest.ping,
    close() {
      closed ??= (async () => {
        await prisma.$disconnect();
        await rest.closeDriver();
      })();
      return closed;
    },
  };
}

async function openEmbedded(dataDir: string | null): Promise<Database> {
  let pglite: PGlite;
  if (dataDir === null) {
    pglite = new PGlite();
  } else {
    const dir = path.resolve(dataDir, 'pglite');
    fs.mkdirSync(dir, { recursive: true });
    pglite = new PGlite(dir);
  }
  await pglite.waitReady;
  return wrap('embedded', new PrismaPGlite(pglite), {
    migrationConnection: async () => pgliteMigrationConnection(pglite),
    ping: async () => {
      await pglite.query('SELECT 1');
    },
    closeDriver: () => pglite.close(),
  });
}

async function openPostgres(options: Extract<DatabaseOptions, { kind: 'postgres' }>): Promise<Database> {
  const clientConfig: pg.ClientConfig = {
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs || undefined,
  };
  const pool = new pg.Pool({
    ...clientConfig,
    max: options.poolSize,
    idleTimeoutMillis: 10_000,
  });
  // Without a listener, an idle connection dropped by the server crashes the process.
  pool.on('error', (err) => options.onPoolError?.(err));
  const factory = new PrismaPg(pool, {
    onPoolError: options.onPoolError,
    onConnectionError: options.onPoolError,
  });
  return wrap('postgres', factory, {
    migrationConnection: () => pgMigrationConnection(clientConfig),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    closeDriver: () => pool.end(),
  });
}
