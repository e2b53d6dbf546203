import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppContext, Viewer } from '../core/context';
import type { CountedConnection } from './connections-per-user';
import type { SubscriptionContext } from '../realtime/context';
import { subscribePerEvent } from '../realtime/execute';
import { formatErrors, prepareOperation } from './subscription-operation';
import type { Subscriptions } from './subscriptions';
import { browserOriginAllowed } from './cors';

const POLICY_VIOLATION = 1008;
const TRY_AGAIN_LATER = 1013;
const FORBIDDEN = 4403;

type SocketExtra = {
  socket: WebSocket;
  request: http.IncomingMessage;
  viewer?: Viewer | null;
};
type SocketContext = Context<Record<string, unknown> | undefined, SocketExtra>;

/**
 * graphql-ws on the same port and path as HTTP. The token comes from the connection_init
 * payload, never a cookie, and browsers may only connect from an allowed origin: together they
 * rule out cross-site WebSocket hijacking. A present but invalid token closes the socket with
 * 4403; no connection_init in time closes it with 4408 (both graphql-ws's own behaviour).
 */
export function attachWebSocketServer(server: http.Server, subscriptions: Subscriptions) {
  const { schema, services } = subscriptions;
  const { config } = services;
  const browserOrigin = browserOriginAllowed(config);
  // A message over the cap closes the socket with 1009 (ws); the default would be 100 MiB.
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.WS_MAX_PAYLOAD_BYTES });
  let closing = false;

  // The upgrade is checked here rather than in ws's verifyClient, as the ws docs recommend.
  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://host').pathname !== '/graphql')
      return refuse(socket, 404, 'Not Found');
    if (closing) return refuse(socket, 503, 'Service Unavailable');
    if (!originAllowed(request, browserOrigin)) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => {
      quietClientProtocolErrors(ws, services.log);
      wss.emit('connection', ws, request);
    });
  };
  server.on('upgrade', onUpgrade);

  const handle = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema,
      connectionInitWaitTimeout: config.WS_CONNECTION_INIT_TIMEOUT_MS,
      onConnect: (ctx) => authenticateSocket(ctx, subscriptions),
      onSubscribe: (ctx, _id, payload) => {
        // graphql-ws registers the new id before calling us, so it is part of the count.
        if (Object.keys(ctx.subscriptions).length > config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [tooManySubscriptions(config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET)];
        }
        return prepareOperation(schema, payload, subscriptions.rules);
      },
      context: (ctx): SubscriptionContext =>
        subscriptions.contextFor({
          viewer: ctx.extra.viewer ?? null,
          clientAddress: ctx.extra.request.socket.remoteAddress ?? 'unknown',
          sessionEnded: () => ctx.extra.socket.close(FORBIDDEN, 'Forbidden'),
        }),
      subscribe: subscribePerEvent,
      onNext: (_ctx, _id, _payload, args, result) =>
        result.errors ? subscriptions.formatResult(result, args.contextValue as AppContext) : undefined,
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors, services.log),
    },
    wss,
  );

  return {
    /** Graceful stop: refuse new sockets, close open ones with 1001 Going Away, stop listening. */
    async close() {
      closing = true;
      // dispose() closes every socket with 1001 and waits for each closing handshake; a client
      // that never answers is cut off once the grace period is over.
      const cutOff = setTimeout(
        () => wss.clients.forEach((client) => client.terminate()),
        config.SHUTDOWN_GRACE_MS,
      );
      try {
        await handle.dispose();
      } finally {
        clearTimeout(cutOff);
      }
      server.off('upgrade', onUpgrade);
    },
  };
}

/** No token: anonymous. A bad one: 4403. A user at the connection cap: 1008 (no client retries it). */
async function authenticateSocket(ctx: SocketContext, subscriptions: Subscriptions): Promise<boolean> {
  const payload = ctx.connectionParams ?? {};
  const { socket } = ctx.extra;
  const admission = await subscriptions.admit(
    payload.authorization ?? payload.Authorization,
    socketConnection(socket),
  );
  if (admission.admitted) {
    ctx.extra.viewer = admission.viewer;
    return true;
  }
  // The first close wins: ws ignores the 4403 graphql-ws sends after these.
  if (admission.reason === 'unavailable') socket.close(TRY_AGAIN_LATER, 'Service unavailable');
  if (admission.reason === 'tooMany') socket.close(POLICY_VIOLATION, 'Too many connections for this user');
  // refused: graphql-ws closes with 4403 Forbidden; gone: nothing left to answer
  return false;
}

function socketConnection(socket: WebSocket): CountedConnection {
  return {
    isOpen: () => socket.readyState === socket.OPEN,
    once: (event, listener) => socket.once(event, listener),
  };
}

/**
 * Browsers always send Origin; other clients (apps, servers) usually do not and cannot be
 * hijacked through a victim's browser. Allowed: no Origin, the server's own origin (e.g.
 * Sandbox served from here), or a browser origin that may also call the API over HTTP.
 */
function originAllowed(request: http.IncomingMessage, browserOrigin: (origin: string) => boolean): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (browserOrigin(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * A frame over the size cap, invalid UTF-8 or a protocol violation is the client's doing: `ws`
 * has already closed the socket with the matching code (1009, 1007, 1002). graphql-ws would
 * report it on the console, with a stack, as an internal error; it is logged as what it is.
 */
function quietClientProtocolErrors(ws: WebSocket, log: Logger): void {
  const emit = ws.emit.bind(ws);
  ws.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    const error = args[0] as { code?: unknown } | undefined;
    if (event === 'error' && typeof error?.code === 'string' && error.code.startsWith('WS_ERR_')) {
      log.info({ code: error.code }, 'socket closed on a protocol error from the client');
      return true;
    }
    return emit(event, ...args);
  };
}

function refuse(socket: Duplex, status: number, message: string): void {
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function tooManySubscriptions(max: number): GraphQLError {
  return new GraphQLError(`Too many subscriptions on this connection (at most ${max}).`, {
    extensions: { code: 'BAD_REQUEST' },
  });
}
