/**
 * Async iterators written by hand, for subscriptions: an async generator would queue `return`
 * behind its pending `next`, so a client that has gone would stay registered until the next
 * event arrived. These forward `return` (and `throw`) to the source at once.
 */

type Iterator<T> = AsyncIterableIterator<T> & { return(): Promise<IteratorResult<T>> };

/** An iterator of `next`, whose end (`return` or `throw`) runs `stop` once. */
function iteratorOf<T>(next: () => Promise<IteratorResult<T>>, stop: () => Promise<void>): Iterator<T> {
  let stopped = false;
  const end = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!stopped) {
      stopped = true;
      await stop();
    }
    return { value: undefined, done: true };
  };
  return {
    next: () => (stopped ? end() : next()),
    return: end,
    async throw(error: unknown) {
      await end();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Maps an event stream. */
export function mapEvents<T, U>(source: AsyncIterable<T>, map: (value: T) => U | Promise<U>): Iterator<U> {
  const iterator = source[Symbol.asyncIterator]();
  return iteratorOf<U>(
    async () => {
      const result = await iterator.next();
      return result.done ? { value: undefined, done: true } : { value: await map(result.value), done: false };
    },
    async () => {
      await iterator.return?.();
    },
  );
}

/** `source` until `last` resolves: then that value, and the end (the source is returned). */
export function endedBy<T>(source: AsyncIterator<T>, last: Promise<T>): Iterator<T> {
  const ending = last.then((value) => ({ last: value }));
  const iterator: Iterator<T> = iteratorOf(
    async () => {
      const step = await Promise.race([source.next(), ending]);
      if (!('last' in step)) return step;
      await iterator.return();
      return { value: step.last, done: false };
    },
    async () => {
      await source.return?.();
    },
  );
  return iterator;
}
