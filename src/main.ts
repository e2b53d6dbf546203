import 'dotenv/config';
import v8 from 'node:v8';
import { PasswordHasher } from './security/passwords';
import { ConfigError, parseConfig, type Config } from './config';
import { openConfiguredDatabase } from './db/from-config';
import { migrate } from './db/migrations';
import { seedIfEmpty } from './db/seed';
import { createMediaRuntime } from './media/runtime';
import { startApp, type RunningApp } from './server/app';
import { createLogger } from './server/logger';

/** Time for closing sockets and the database after the requests' grace period. */
const SHUTDOWN_MARGIN_MS = 5_000;

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
  // V8 lets the old generation grow to up to 4x its live data between full collections when
  // the machine has memory to spare; under load most of it is requests' promoted garbage. The
  // flag is read at every collection, so setting it here applies from the first.
  if (config.HEAP_GROWTH_PERCENT > 0)
    v8.setFlagsFromString(`--heap-growing-percent=${config.HEAP_GROWTH_PERCENT}`);
  const log = createLogger(config);
  // Ctrl-C (or SIGTERM) before the server listens: stop at the next step (a seed in progress
  // rolls back) and close the database, rather than die in the middle of a write.
  const startup = new AbortController();
  const interrupted = (signal: NodeJS.Signals) => {
    if (!startup.signal.aborted) log.info({ signal }, 'interrupted during start-up; stopping');
    startup.abort(new StartupInterrupted());
  };
  process.on('SIGTERM', interrupted);
  process.on('SIGINT', interrupted);

  const db = await openConfiguredDatabase(config, (err) => log.error({ err }, 'database connection error'));
  let app: RunningApp;
  try {
    startup.signal.throwIfAborted();
    const { applied } = await migrate(db, { log: (msg: string) => log.info(msg) });
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    startup.signal.throwIfAborted();

    const passwords = PasswordHasher.fromConfig(config);
    // The embedded database is for trying Shutter out: give it something to look at, its
    // pictures made by the photo pipeline into the server's storage.
    if (config.SEED_DEMO_DATA ?? db.kind === 'embedded') {
      const media = createMediaRuntime(config, () => config.PUBLIC_URL ?? '');
      await seedIfEmpty(db.prisma, passwords, log, { media: { media, log }, signal: startup.signal });
    }
    startup.signal.throwIfAborted();

    app = await startApp(
      { config, log, prisma: db.prisma, passwords, ping: db.ping },
      config.PORT,
      config.HOST,
    );
  } catch (error) {
    if (!startup.signal.aborted) throw error;
    await db.close();
    log.info('stopped');
    process.exit(0);
  }
  process.off('SIGTERM', interrupted);
  process.off('SIGINT', interrupted);

  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    // A second signal while stopping changes nothing: the first shutdown runs to its end.
    if (shuttingDown) return log.warn({ signal }, 'already shutting down');
    shuttingDown = true;
    log.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'shutting down');
    // Requests get the grace period; closing sockets and the database get a little more. If
    // something still hangs after that, leave rather than never exit.
    const deadline = setTimeout(() => {
      log.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + SHUTDOWN_MARGIN_MS);
    deadline.unref();
    try {
      await app.stop();
      log.info('server stopped');
      await db.close();
      log.info('database disconnected');
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (s) => void shutdown(s));
  process.on('SIGINT', (s) => void shutdown(s));
  // a signal that came while the server was starting
  if (startup.signal.aborted) void shutdown('SIGINT');
}

class StartupInterrupted extends Error {
  constructor() {
    super('interrupted during start-up');
  }
}

main().catch((error: unknown) => {
  console.error('Shutter failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
