import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from '@prisma/driver-adapter-utils';

export type StatementListener = (sql: string) => void;

/**
 * Observes every SQL statement Prisma hands to the database driver: the single point where a
 * test can count statements per request (the N+1 proof) and where slow-query logging can hook
 * in, identical for PGlite and node-postgres. Transaction control (BEGIN/COMMIT) is issued by
 * the driver itself and is not counted.
 */
export class StatementObserver {
  private readonly listeners = new Set<StatementListener>();
  total = 0;

  listen(listener: StatementListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `fn` and returns its result with the SQL statements issued meanwhile. */
  async capture<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const statements: string[] = [];
    const stop = this.listen((sql) => statements.push(sql));
    try {
      return { result: await fn(), statements };
    } finally {
      stop();
    }
  }

  record(sql: string): void {
    this.total += 1;
    for (const listener of this.listeners) listener(sql);
  }
}

function observeQueryable<T extends SqlDriverAdapter | Transaction>(
  target: T,
  observer: StatementObserver,
): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'queryRaw' || prop === 'executeRaw') {
        return (query: SqlQuery) => {
          observer.record(query.sql);
          return (value as (q: SqlQuery) => unknown).call(obj, query);
        };
      }
      if (prop === 'executeScript') {
        return (script: string) => {
          observer.record(script);
          return (value as (s: string) => unknown).call(obj, script);
        };
      }
      if (prop === 'startTransaction') {
        return async (...args: unknown[]) => {
          const tx = (await (value as (...a: unknown[]) => Promise<Transaction>).apply(
            obj,
            args,
          )) as Transaction;
          return observeQueryable(tx, observer);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(obj);
    },
  });
}

export function observeAdapterFactory(
  factory: SqlDriverAdapterFactory,
  observer: StatementObserver,
): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => observeQueryable(await factory.connect(), observer),
  };
}
