import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { AppContext } from '../context';
import { EventEnvelope } from './event-scope';

/**
 * graphql-js's `subscribe`, except that each event executes with the loaders of its own
 * EventScope for this subscriber, instead of the context built once when the subscription
 * started. That context would cache across events (stale flags) and could not batch with the
 * other subscribers of the same event. graphql-ws takes this as its `subscribe` option.
 */
export async function subscribePerEvent(
  args: ExecutionArgs,
): Promise<ExecutionResult | AsyncIterableIterator<ExecutionResult>> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream; // the subscribe resolver refused
  const subscriber = args.contextValue as AppContext;
  return mapEvents(stream, (event) =>
    execute({
      ...args,
      rootValue: event,
      contextValue:
        event instanceof EventEnvelope
          ? { ...subscriber, loaders: event.scope.loadersFor(subscriber.viewer) }
          : subscriber,
    }),
  );
}

/**
 * Maps an event stream, forwarding `return` at once. An async generator would queue `return`
 * behind its pending `next`, so an unsubscribed client would stay registered until the next
 * event arrived.
 */
function mapEvents<T, U>(
  source: AsyncIterable<T>,
  map: (value: T) => U | Promise<U>,
): AsyncIterableIterator<U> & { return(): Promise<IteratorResult<U>> } {
  const iterator = source[Symbol.asyncIterator]();
  const stop = async (): Promise<IteratorReturnResult<undefined>> => {
    await iterator.return?.();
    return { value: undefined, done: true };
  };
  return {
    async next() {
      const result = await iterator.next();
      return result.done ? { value: undefined, done: true } : { value: await map(result.value), done: false };
    },
    return: stop,
    async throw(error: unknown) {
      await stop();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
