import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/**
 * Driver adapters for the schema engine, each with a workaround for an adapter bug met on
 * this path: pglite-prisma-adapter's unawaited executeScript, PrismaPg's unsafe shadow
 * database, and PrismaPg's missing "char" type.
 */

type Main = () => Promise<SqlDriverAdapter>;

/**
 * The engine's shadow database is always an in-memory PGlite, whatever the main one:
 * never PrismaPg's, which given a connection string can end up using, and resetting, the
 * main database.
 */
export function engineAdapterFactory(
  connect: Main,
  shadow: Main = memoryPglite,
): SqlMigrationAwareDriverAdapterFactory {
  return { provider: 'postgres', adapterName: 'shutter-schema-engine', connect, connectToShadowDb: shadow };
}

/**
 * For diffs that need no real main database (migrations folder vs schema): the engine
 * only asks the main connection for its version, so one scratch PGlite serves as main and
 * as the first shadow. PGlite takes seconds to start; this halves the wait.
 */
export function scratchPglite(): { main: Main; shadow: Main; close: () => Promise<void> } {
  const pglite = new PGlite();
  let shadowUsed = false;
  return {
    main: existingPglite(pglite),
    shadow: () => {
      if (shadowUsed) return memoryPglite(); // a later shadow must start empty
      shadowUsed = true;
      return existingPglite(pglite)();
    },
    close: () => pglite.close(),
  };
}

/** A throwaway in-memory database, closed when the engine disposes of it. */
export const memoryPglite: Main = async () => {
  const pglite = new PGlite();
  return pgliteAdapter(pglite, () => pglite.close());
};

/** An existing PGlite (e.g. the app's); disposing leaves it open. */
export function existingPglite(pglite: PGlite): Main {
  return () => pgliteAdapter(pglite, async () => {});
}

async function pgliteAdapter(pglite: PGlite, dispose: () => Promise<void>): Promise<SqlDriverAdapter> {
  await pglite.waitReady;
  const adapter = await new PrismaPGlite(pglite).connect();
  // pglite-prisma-adapter 0.7.2 does not await exec() in executeScript, so a failing
  // script passes as applied. Same adapter otherwise (prototype chain), awaited here.
  const fixed = Object.create(adapter) as SqlDriverAdapter & { onError(err: unknown): never };
  fixed.executeScript = async (script: string) => {
    try {
      await pglite.exec(script);
    } catch (err) {
      fixed.onError(err); // converts to the DriverAdapterError the engine understands
    }
  };
  fixed.dispose = dispose;
  return fixed;
}

/** A PostgreSQL server, through PrismaPg with "char" (OID 18) readable. */
export function postgresUrl(url: string): Main {
  return () => new PrismaPg({ connectionString: url, max: 1, Client: CharAsTextClient }).connect();
}

const CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * @prisma/adapter-pg rejects columns of type "char" (OID 18), which the engine's catalog
 * queries return (pg_constraint.contype, ...). Its values are plain strings: relabel the
 * column as text. Handles both the promise form and the callback form pg.Pool uses.
 */
class CharAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads differ in return type
  override query(...args: unknown[]): any {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (err: unknown, result: unknown) => callback(err, relabelChar(result));
    }
    const returned = (pg.Client.prototype.query as (...a: unknown[]) => unknown).apply(this, args);
    return returned instanceof Promise ? returned.then(relabelChar) : returned;
  }
}

function relabelChar(result: unknown): unknown {
  for (const one of Array.isArray(result) ? result : [result]) {
    const fields = (one as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
    for (const field of fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}
