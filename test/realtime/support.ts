import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApp } from '../support/app';

/**
 * Real graphql-ws clients (over the `ws` package) against a running test app, and the waits
 * that replace sleeping: the hub's subscriber count tells when a subscription is registered.
 */

/** A failure deadline, not a sleep: it only decides how long a broken feature takes to fail. */
const DEADLINE_MS = 10_000;

export function within<T>(promise: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface TestSocket {
  client: Client;
  /** the server's close (or the refused upgrade's 1006) */
  closed: Promise<CloseInfo>;
  /** the upgrade or connection error, if any (e.g. "Unexpected server response: 403") */
  errors: unknown[];
  subscribe<T = any>(query: string, variables?: Record<string, unknown>): TestSubscription<T>;
}

export interface TestSubscription<T> {
  /** the next result the server sent on this subscription */
  next(): Promise<FormattedExecutionResult<T, unknown>>;
  unsubscribe(): Promise<void>;
}

const open = new Set<Client>();

/** Opens a socket on `app` as a client would, with the token (if any) in connection_init. */
export function openSocket(
  app: TestApp,
  options: { token?: string; origin?: string; connectionParams?: Record<string, unknown> } = {},
): TestSocket {
  const errors: unknown[] = [];
  let onClosed!: (info: CloseInfo) => void;
  const closed = new Promise<CloseInfo>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: app.url.replace(/^http/, 'ws'),
    webSocketImpl: options.origin ? withHeaders({ origin: options.origin }) : WebSocket,
    connectionParams:
      options.connectionParams ?? (options.token ? { authorization: `Bearer ${options.token}` } : {}),
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: (error) => errors.push(error),
    on: {
      error: (error) => errors.push(error),
      closed: (event) => {
        const { code, reason } = event as CloseInfo;
        onClosed({ code, reason });
      },
    },
  });
  open.add(client);
  return {
    client,
    closed,
    errors,
    subscribe: (query, variables) => subscription(client, query, variables),
  };
}

function subscription<T>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): TestSubscription<T> {
  const results = client.iterate<T>({ query, variables });
  return {
    next: async () => {
      const result = await within(results.next(), 'a subscription result');
      if (result.done) throw new Error('the subscription completed');
      return result.value;
    },
    unsubscribe: async () => {
      await results.return?.();
    },
  };
}

function withHeaders(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
}

/** Closes every socket the tests opened, and waits until the server has let go of them. */
export async function closeAllSockets(app: TestApp): Promise<void> {
  await Promise.all([...open].map((client) => client.dispose()));
  open.clear();
  await subscribersReach(app, 0);
}

/** Resolves once `count` subscriptions are registered on the app's realtime hub. */
export async function subscribersReach(app: TestApp, count: number): Promise<void> {
  const hub = app.app.realtime;
  await within(hub.ready, 'the hub to listen to the pub/sub');
  await within(
    new Promise<void>((resolve) => {
      const check = () => {
        if (hub.subscriberCount() !== count) return;
        stop();
        resolve();
      };
      const stop = hub.onSubscriberCountChange(check);
      check();
    }),
    `${count} subscribers (now ${hub.subscriberCount()})`,
  );
}

export const POST_CREATED = `subscription {
  postCreated { id caption author { username viewerIsFollowing isViewer } viewerHasLiked }
}`;

export const COMMENT_ADDED = `subscription ($postId: ID!) {
  commentAdded(postId: $postId) { id body author { username } post { id } }
}`;
