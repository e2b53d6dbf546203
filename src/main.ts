import 'dotenv/config';
import { PasswordHasher } from './auth/passwords';
import { ConfigError, parseConfig, type Config } from './config';
import { openConfiguredDatabase } from './db/from-config';
import { migrate } from './db/migrations';
import { seedIfEmpty } from './db/seed';
import { startApp } from './server/app';
import { createLogger } from './server/logger';

function loadConfig(): Config {
  try {
    return parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config);
  const db = await openConfiguredDatabase(config, (err) => log.error({ err }, 'database connection error'));
  const { applied } = await migrate(db, { log: (msg: string) => log.info(msg) });
  if (applied.length > 0) log.info({ applied }, 'migrations applied');

  const passwords = PasswordHasher.fromConfig(config);
  // The embedded database is for trying Shutter out: give it something to look at.
  if (config.SEED_DEMO_DATA ?? db.kind === 'embedded') await seedIfEmpty(db.prisma, passwords, log);

  const app = await startApp(
    { config, log, prisma: db.prisma, passwords, ping: db.ping },
    config.PORT,
    config.HOST,
  );

  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    // A second signal while stopping changes nothing: the first shutdown runs to its end.
    if (shuttingDown) return log.warn({ signal }, 'already shutting down');
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    try {
      await app.stop();
      await db.close();
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (s) => void shutdown(s));
  process.on('SIGINT', (s) => void shutdown(s));
}

main().catch((error: unknown) => {
  console.error('Shutter failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
