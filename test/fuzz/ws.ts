import type { FormattedExecutionResult } from 'graphql-ws';
import type { GraphQLFormattedError } from 'graphql';
import type { TestApp } from '../support/app';
import { openSocket, subscribersReach, within, type TestSocket } from '../realtime/support';
import type { Reply } from './http';
import { withoutBigints, type Operation } from './operation';

type Outcome =
  | { kind: 'done' }
  | { kind: 'registered' }
  | { kind: 'refused'; errors: GraphQLFormattedError[] }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'failed'; error: unknown };

/** ws's close code for a message over maxPayload (WS_MAX_PAYLOAD_BYTES). */
const MESSAGE_TOO_BIG = 1009;
const REPLY_DEADLINE_MS = 15_000;

/**
 * One graphql-ws socket per identity, reopened when the server closed it (a message over the
 * size limit closes it, legitimately) or when the identity's token changed.
 */
export class Sockets {
  private readonly open = new Map<string, { socket: TestSocket; token?: string }>();

  constructor(private readonly app: TestApp) {}

  get(identity: string, token?: string): TestSocket {
    const current = this.open.get(identity);
    if (current && current.token === token) return current.socket;
    if (current) void current.socket.client.dispose();
    const socket = openSocket(this.app, { token });
    this.open.set(identity, { socket, token });
    return socket;
  }

  forget(identity: string): void {
    const current = this.open.get(identity);
    if (current) void current.socket.client.dispose();
    this.open.delete(identity);
  }
}

/**
 * Sends one operation as a graphql-ws `subscribe` and waits for its end: results then
 * complete, an error message, the socket closing, or (for a subscription that was accepted)
 * its registration on the hub, after which it is unsubscribed and its removal awaited.
 */
export async function sendWs(app: TestApp, socket: TestSocket, operation: Operation): Promise<Reply> {
  const hub = app.app.realtime;
  const baseline = hub.subscriberCount();
  const results: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
  const payload = {
    query: operation.query,
    variables: withoutBigints(operation.variables) as Record<string, unknown>,
  };
  let unsubscribe = () => {};
  let stopWatching = () => {};
  const outcome = new Promise<Outcome>((resolve) => {
    stopWatching = hub.onSubscriberCountChange(() => {
      if (hub.subscriberCount() > baseline) resolve({ kind: 'registered' });
    });
    unsubscribe = socket.client.subscribe(payload, {
      next: (result) => results.push(result),
      complete: () => resolve({ kind: 'done' }),
      error: (error) => resolve(classify(error)),
    });
  });
  const ended = await within(outcome, 'a WebSocket reply', REPLY_DEADLINE_MS).finally(stopWatching);
  if (ended.kind === 'registered') {
    unsubscribe();
    await subscribersReach(app, baseline);
  }
  return replyOf(ended, results, messageBytes(payload), app.config.WS_MAX_PAYLOAD_BYTES);
}

function classify(error: unknown): Outcome {
  if (Array.isArray(error)) return { kind: 'refused', errors: error as GraphQLFormattedError[] };
  const close = error as { code?: unknown; reason?: unknown };
  if (typeof close?.code === 'number')
    return { kind: 'closed', code: close.code, reason: String(close.reason) };
  return { kind: 'failed', error };
}

function replyOf(
  ended: Outcome,
  results: FormattedExecutionResult<Record<string, unknown>, unknown>[],
  bytes: number,
  maxBytes: number,
): Reply {
  const errors = [
    ...results.flatMap((r) => r.errors ?? []),
    ...(ended.kind === 'refused' ? ended.errors : []),
  ] as GraphQLFormattedError[];
  const data = (results.at(-1)?.data as Record<string, unknown> | undefined) ?? null;
  const body = { results, ended };
  if (ended.kind === 'closed' && !(ended.code === MESSAGE_TOO_BIG && bytes > maxBytes)) {
    return { body, errors, data, problem: `the server closed the socket: ${ended.code} ${ended.reason}` };
  }
  if (ended.kind === 'failed')
    return { body, errors, data, problem: `the client failed: ${String(ended.error)}` };
  return { body, errors, data };
}

/** The size of the subscribe message the client sends (its id and type add a few bytes). */
const messageBytes = (payload: object): number =>
  Buffer.byteLength(
    JSON.stringify({ id: '00000000-0000-0000-0000-000000000000', type: 'subscribe', payload }),
  );

/** Whether the socket is gone after this reply (the next request needs a new one). */
export const socketClosed = (reply: Reply): boolean =>
  (reply.body as { ended?: Outcome } | undefined)?.ended?.kind === 'closed';
