import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { getOperationAST, parse } from 'graphql';
import type { StatementObserver } from '../../src/db/instrument';
import type { GraphQLResponse, RequestOptions } from './app';

/**
 * `SHUTTER_COMPARE_EXECUTORS=1 npm run test:unit` runs the whole suite with every test app
 * paired with a twin on the same database that executes with graphql-js: each read a test
 * sends through `gql` is sent to both, and their statuses and bodies must be identical byte
 * for byte. Mutations go to the app alone, since a twin would write everything twice.
 * The twin's SQL is not observed, so statement counts (the N+1 tests) still see the app's alone.
 * `SHUTTER_COMPARE_EXECUTORS_LOG=<file>` appends one line per compared read (status, bytes).
 */
export const comparingExecutors = process.env.SHUTTER_COMPARE_EXECUTORS === '1';
const comparedLog = process.env.SHUTTER_COMPARE_EXECUTORS_LOG;

/** Anything but a mutation: a parse or validation error is compared as well, it writes nothing. */
export function isRead(query: string): boolean {
  try {
    return getOperationAST(parse(query))?.operation !== 'mutation';
  } catch {
    return true;
  }
}

type Post = <T>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  options?: RequestOptions,
) => Promise<GraphQLResponse<T>>;

/**
 * Sends a read to the app, then to its graphql-js twin with the same request id (which a masked
 * error's body carries), and fails unless both answered the same bytes.
 */
export async function postToBoth<T>(
  post: Post,
  urls: { app: string; twin: string },
  statements: StatementObserver,
  query: string,
  variables: Record<string, unknown> | undefined,
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  const headers = { 'x-request-id': randomUUID(), ...options.headers };
  const same = { ...options, headers };
  const res = await post<T>(urls.app, query, variables, same);
  const reference = await unobserved(statements, () => post<T>(urls.twin, query, variables, same));
  if (res.status !== reference.status || res.text !== reference.text) {
    throw new Error(
      `compiled and graphql-js executors differ on ${JSON.stringify({ query, variables })}\n` +
        `compiled   (${res.status}): ${res.text}\ngraphql-js (${reference.status}): ${reference.text}`,
    );
  }
  if (comparedLog)
    appendFileSync(comparedLog, `${res.status}\t${res.text.length}\t${query.replace(/\s+/g, ' ')}\n`);
  return res;
}

/**
 * Runs `fn` with the observer deaf. Tests count statements one request at a time, so no
 * statement of the app's own falls into this window.
 */
async function unobserved<T>(statements: StatementObserver, fn: () => Promise<T>): Promise<T> {
  statements.record = () => {};
  try {
    return await fn();
  } finally {
    delete (statements as { record?: unknown }).record;
  }
}
