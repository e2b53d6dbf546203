import type { Config } from '../config';
import { openDatabase, type Database } from './database';

/** The embedded PGlite under DATA_DIR when DATABASE_URL is unset, else PostgreSQL. */
export function openConfiguredDatabase(
  config: Config,
  onPoolError?: (err: Error) => void,
): Promise<Database> {
  if (config.DATABASE_URL === undefined) return openDatabase({ kind: 'embedded', dataDir: config.DATA_DIR });
  return openDatabase({
    kind: 'postgres',
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    onPoolError,
  });
}
