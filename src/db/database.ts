import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client';
import { TransactionDrain } from './drain';
import { observeAdapterFactory, StatementObserver } from './instrument';
import { statementNames } from './prepared';
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
      /** how long to wait for a pooled connection (or a new one) before failing */
      connectTimeoutMs: number;
      /** 0 = no limit */
      statementTimeoutMs: number;
      /** a session idle inside an open transaction this long is ended by PostgreSQL; 0 = never */
      idleInTransactionTimeoutMs?: number;
      /** named prepared statements (see prepared.ts; default true); off behind a transaction-pooling proxy */
      preparedStatements?: boolean;
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
  rest: Pick<Database, 'migrationConnection' | 'ping'> & {
    closeDriver: () => Promise<void>;
    transactionOptions?: { maxWait: number };
  },
): Database {
  const statements = new StatementObserver();
  const drain = new TransactionDrain();
  const prisma = new PrismaClient({
    adapter: observeAdapterFactory(drain.wrap(factory), statements),
    transactionOptions: rest.transactionOptions,
  });
  let closed: Promise<void> | undefined;
  return {
    kind,
    prisma,
    statements,
    migrationConnection: rest.migrationConnection,
    ping: rest.ping,
    close() {
      closed ??= (async () => {
        await drain.close();
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
    // A transaction left open (a stuck request, a crashed transaction timer) would hold its
    // row locks and its pooled connection; PostgreSQL ends such a session after this long.
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs || undefined,
    // Notices a peer that vanished without closing the connection (network cut, failover).
    keepAlive: true,
  };
  // node-postgres's pool waits forever for a free connection by default; with
  // connectionTimeoutMillis set, a request queued longer fails ("timeout exceeded when trying
  // to connect") and is answered SERVICE_UNAVAILABLE.
  const pool = new pg.Pool({
    ...clientConfig,
    max: options.poolSize,
    idleTimeoutMillis: 10_000,
  });
  // Without a listener, an idle connection dropped by the server crashes the process.
  const onPoolError = (err: Error) => options.onPoolError?.(err);
  pool.on('error', onPoolError);
  // Readiness must answer "is the database up?", not "is a pooled connection free?": a busy
  // pool is no reason to take the instance out of the load balancer.
  const probe = new pg.Pool({ ...clientConfig, max: 1, idleTimeoutMillis: 30_000 });
  probe.on('error', onPoolError);
  // The pool's listener above covers idle connections; this one covers a connection checked
  // out for a transaction.
  const factory = new PrismaPg(pool, {
    onConnectionError: onPoolError,
    statementNameGenerator: options.preparedStatements === false ? undefined : statementNames(),
  });
  return wrap('postgres', factory, {
    migrationConnection: () => pgMigrationConnection(clientConfig),
    ping: async () => {
      await probe.query('SELECT 1');
    },
    closeDriver: async () => {
      await Promise.all([pool.end(), probe.end()]);
    },
    // An interactive transaction waits for its connection as long as any other query does.
    transactionOptions: { maxWait: options.connectTimeoutMs },
  });
}
