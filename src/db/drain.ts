import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type Transaction,
} from '@prisma/driver-adapter-utils';

const closedError = () => new DriverAdapterError({ kind: 'ConnectionClosed' });

/**
 * Lets the database close while a request is still writing. Prisma's `$disconnect` does not
 * wait for the interactive transactions under way: one that is starting as it runs is lost to
 * Prisma ("Transaction not found") while its pooled connection stays checked out, and
 * node-postgres's `pool.end()` (or PGlite's `close()`) then waits for it forever. So closing
 * first refuses new work with ConnectionClosed (answered SERVICE_UNAVAILABLE, nothing written)
 * and waits for the open transactions to commit or roll back; Prisma's transaction timeout
 * bounds that wait.
 *
 * Written by hand: Prisma has no hook between a client and its driver adapter but the adapter
 * itself, as instrument.ts also uses.
 */
export class TransactionDrain {
  private open = 0;
  private closing = false;
  private drained: (() => void) | undefined;
  private idle: Promise<void> | undefined;

  wrap(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
    return {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => {
        this.refuseIfClosing();
        return this.guardAdapter(await factory.connect());
      },
    };
  }

  /** Refuses new statements and transactions, then resolves once no transaction is open. */
  close(): Promise<void> {
    this.closing = true;
    this.idle ??= this.open === 0 ? Promise.resolve() : new Promise((resolve) => (this.drained = resolve));
    return this.idle;
  }

  private refuseIfClosing(): void {
    if (this.closing) throw closedError();
  }

  private guardAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
    return new Proxy(adapter, {
      get: (obj, prop, receiver) => {
        const value: unknown = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => Promise<unknown>;
        if (prop === 'queryRaw' || prop === 'executeRaw' || prop === 'executeScript') {
          return (...args: unknown[]) =>
            this.closing ? Promise.reject(closedError()) : method.apply(obj, args);
        }
        if (prop === 'startTransaction') {
          return async (...args: unknown[]) => {
            this.refuseIfClosing();
            this.open += 1;
            try {
              return this.guardTransaction((await method.apply(obj, args)) as Transaction);
            } catch (error) {
              this.ended();
              throw error;
            }
          };
        }
        return method.bind(obj);
      },
    });
  }

  /** Counts the transaction as open until its commit or rollback has finished, either way. */
  private guardTransaction(tx: Transaction): Transaction {
    let done = false;
    const end = (method: () => Promise<void>) => async () => {
      try {
        await method.call(tx);
      } finally {
        if (!done) {
          done = true;
          this.ended();
        }
      }
    };
    const commit = end(tx.commit);
    const rollback = end(tx.rollback);
    return new Proxy(tx, {
      get: (obj, prop, receiver) => {
        if (prop === 'commit') return commit;
        if (prop === 'rollback') return rollback;
        const value: unknown = Reflect.get(obj, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
      },
    });
  }

  private ended(): void {
    this.open -= 1;
    if (this.open === 0) this.drained?.();
  }
}
