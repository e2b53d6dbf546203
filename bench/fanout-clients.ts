/**
 * The subscriber side of bench/fanout.ts, in its own process so that the server's memory and
 * event loop are measured alone. Opens one graphql-ws client per token, subscribes each to
 * postCreated, and timestamps every delivery on the shared wall clock.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export type ClientCommand =
  | { type: 'connect'; url: string; tokens: string[]; query: string }
  | { type: 'collect'; postId: string; count: number; sentAt: number }
  | { type: 'close' };

export type ClientReport =
  | { type: 'connected' }
  | { type: 'collected'; latenciesMs: number[]; errors: number }
  | { type: 'failed'; message: string };

const now = () => performance.timeOrigin + performance.now();
const clients: Client[] = [];
const arrivals = new Map<string, number[]>();
let errors = 0;
let waiting: { postId: string; count: number; sentAt: number } | null = null;

const send = (report: ClientReport) => process.send!(report);

function record(postId: string): void {
  const times = arrivals.get(postId) ?? [];
  times.push(now());
  arrivals.set(postId, times);
  settle();
}

/** Reports the latencies once every expected delivery of the awaited post has arrived. */
function settle(): void {
  if (!waiting) return;
  const times = arrivals.get(waiting.postId) ?? [];
  if (times.length < waiting.count) return;
  const { sentAt } = waiting;
  waiting = null;
  send({ type: 'collected', latenciesMs: times.map((t) => t - sentAt), errors });
}

/** Opens the sockets in waves, so the server sees a realistic ramp rather than a SYN flood. */
async function connect(url: string, tokens: string[], query: string): Promise<void> {
  const WAVE = 100;
  for (let i = 0; i < tokens.length; i += WAVE) {
    await Promise.all(tokens.slice(i, i + WAVE).map((token) => open(url, token, query)));
  }
  send({ type: 'connected' });
}

function open(url: string, token: string, query: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      on: { connected: () => resolve(), error: reject },
    });
    clients.push(client);
    client.subscribe<{ postCreated: { id: string } }>(
      { query },
      {
        next: (result) => (result.data ? record(result.data.postCreated.id) : errors++),
        error: () => errors++,
        complete: () => {},
      },
    );
  });
}

process.on('message', (command: ClientCommand) => {
  if (command.type === 'connect') {
    connect(command.url, command.tokens, command.query).catch((err: unknown) =>
      send({ type: 'failed', message: String(err) }),
    );
  } else if (command.type === 'collect') {
    waiting = command;
    settle();
  } else {
    void Promise.all(clients.map((c) => c.dispose())).then(() => process.exit(0));
  }
});
