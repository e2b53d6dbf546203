import { isTransientConflict } from './errors';

/** Attempts in all, the first included: enough for a deadlock, bounded under contention. */
export const CONFLICT_ATTEMPTS = 3;

/**
 * Runs a write (a statement or a whole transaction) again when PostgreSQL aborted it for a
 * serialization failure or a deadlock. The database rolled the attempt back entirely, so
 * running it again is safe; any other error, or the last attempt's, is thrown as it is.
 * Never wrap a single statement inside an interactive transaction: the transaction as a whole
 * is what must be retried.
 */
export async function retryOnConflict<T>(write: () => Promise<T>, attempts = CONFLICT_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isTransientConflict(error)) throw error;
      // A short, jittered pause so two deadlocked writers do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
