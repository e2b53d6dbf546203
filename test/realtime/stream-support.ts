import { createClient, NetworkError, type Client } from 'graphql-sse';
import type { FormattedExecutionResult } from 'graphql';
import type { TestApp } from '../support/app';
import { subscribersReach, within } from './support';

/**
 * Real graphql-sse clients (over Node's fetch) against a running test app's event-stream
 * endpoint, one stream per subscription ("distinct connections mode"). Clients never retry
 * here: a refusal or a dropped stream must show, not be papered over.
 */

export const streamUrl = (app: TestApp) => `${app.url}/stream`;

export interface TestStream<T> {
  /** the next result on the stream; rejects with the NetworkError of a refusal or a drop */
  next(): Promise<FormattedExecutionResult<T>>;
  /** resolves once the server has completed the stream (fails on another result) */
  completed(): Promise<void>;
  /** as a client that goes away: aborts the request */
  close(): Promise<void>;
}

const open = new Set<Client>();

export function openStream<T = any>(
  app: TestApp,
  query: string,
  options: { token?: string; variables?: Record<string, unknown> } = {},
): TestStream<T> {
  const client = createClient({
    url: streamUrl(app),
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    retryAttempts: 0,
  });
  open.add(client);
  const results = client.iterate({ query, variables: options.variables });
  const read = () => within(results.next(), 'an event-stream result');
  return {
    next: async () => {
      const result = await read();
      if (result.done) throw new Error('the stream completed');
      return result.value as FormattedExecutionResult<T>;
    },
    completed: async () => {
      const result = await read();
      if (!result.done)
        throw new Error(`expected the stream to complete, got ${JSON.stringify(result.value)}`);
    },
    close: async () => {
      await results.return?.();
      client.dispose();
      open.delete(client);
    },
  };
}

/** The status and GraphQL error body of a stream the server refused to open. */
export async function refusalOf(stream: TestStream<unknown>): Promise<{ status: number; body: unknown }> {
  const error = await stream.next().then(
    (result) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
    },
    (error: unknown) => error,
  );
  if (!(error instanceof NetworkError) || !error.response) throw error;
  const response = error.response as Response;
  return { status: response.status, body: await response.json() };
}

/** Ends every stream the tests opened, and waits until the server has let go of them. */
export async function closeAllStreams(app: TestApp): Promise<void> {
  for (const client of open) client.dispose();
  open.clear();
  await subscribersReach(app, 0);
}
