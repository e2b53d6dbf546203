// npm run db:migrate: applies pending migrations to the configured database (the server
// also does this at start-up).
import 'dotenv/config';
import { ConfigError, parseConfig, type Config } from '../../config';
import { openDatabase, type DatabaseOptions } from '../database';
import { migrate, MigrationError } from '../migrations';

function databaseOptions(config: Config): DatabaseOptions {
  if (config.DATABASE_URL === undefined) return { kind: 'embedded', dataDir: config.DATA_DIR };
  return {
    kind: 'postgres',
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  };
}

async function main(): Promise<void> {
  const db = await openDatabase(databaseOptions(parseConfig()));
  try {
    const { applied } = await migrate(db, { log: (msg) => console.log(msg) });
    console.log(
      applied.length === 0 ? 'No pending migrations to apply.' : `Applied ${applied.length} migration(s).`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  // Expected failures get their message alone; anything else keeps its stack.
  const known = err instanceof MigrationError || err instanceof ConfigError;
  console.error(known ? `Migration failed: ${err.message}` : err);
  process.exitCode = 1;
});
