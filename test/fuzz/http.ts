import type { GraphQLFormattedError } from 'graphql';
import { toJson, type Operation } from './operation';

/** What came back for one fuzz request, over either transport. */
export interface Reply {
  /** HTTP status; absent over WebSocket */
  status?: number;
  /** the parsed body (HTTP) or the results and errors the socket delivered (WebSocket) */
  body: unknown;
  errors: GraphQLFormattedError[];
  data: Record<string, unknown> | null;
  /** why the body could not be read, or how the socket closed when it should not have */
  problem?: string;
}

/** How the operation travels over HTTP: plainly, or with an automatic-persisted-query hash. */
export type Envelope = 'plain' | 'apq-wrong-hash' | 'apq-hash-only';

/** A failure deadline, not a pause: only a hung server ever waits this long. */
const REPLY_DEADLINE_MS = 15_000;

export async function sendHttp(
  url: string,
  operation: Operation,
  options: { token?: string; envelope: Envelope },
): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: bodyOf(operation, options.envelope),
    signal: AbortSignal.timeout(REPLY_DEADLINE_MS),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return { status: res.status, body: text, errors: [], data: null, problem: 'the body is not JSON' };
  }
  return { status: res.status, body, errors: body?.errors ?? [], data: body?.data ?? null };
}

// A well-formed SHA-256 that is not the document's.
const WRONG_HASH = 'ab'.repeat(32);

function bodyOf({ query, variables }: Operation, envelope: Envelope): string {
  const persisted = `"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${WRONG_HASH}"}}`;
  const vars = `"variables":${toJson(variables)}`;
  switch (envelope) {
    case 'plain':
      return `{"query":${JSON.stringify(query)},${vars}}`;
    case 'apq-wrong-hash':
      return `{"query":${JSON.stringify(query)},${vars},${persisted}}`;
    case 'apq-hash-only':
      return `{${vars},${persisted}}`;
  }
}
