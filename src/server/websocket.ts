import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config';
import type { AppContext, AppServices, Viewer } from '../core/context';
import { eventDefinitions } from '../modules';
import { createContext, createLoaders, LOADER_SCOPE } from './context';
import { isDatabaseUnavailable } from '../db/errors';
import { SocketsPerUser } from './sockets-per-user';
import type { SubscriptionContext } from '../realtime/context';
import { subscribePerEvent } from '../realtime/execute';
import { createRealtimeHub } from '../realtime/hub';
import { validationRules } from '../graphql/validation-rules';
import { formatErrors, prepareOperation, type OperationRules } from './ws-operation';
import type { PubSub } from '../realtime/pubsub';
import { requestIdFrom } from './request-context';

const POLICY_VIOLATION = 1008;
const TRY_AGAIN_LATER = 1013;

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
export function attachWebSocketServer(
  server: http.Server,
  schema: GraphQLSchema,
  services: AppServices,
  pubsub: PubSub,
) {
  const { config } = services;
  const loaders = { create: createLoaders, scope: LOADER_SCOPE };
  const realtime = createRealtimeHub(pubsub, services, loaders, eventDefinitions);
  // A message over the cap closes the socket with 1009 (ws); the default would be 100 MiB.
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.WS_MAX_PAYLOAD_BYTES });
  const sockets = new SocketsPerUser(config.WS_MAX_SOCKETS_PER_USER);
  const operationRules: OperationRules = {
    hideSuggestions: config.isProduction,
    validationRules: validationRules(config),
    maxTokens: config.MAX_TOKENS,
    maxCost: config.MAX_COST,
  };
  let closing = false;

  // The upgrade is checked here rather than in ws's verifyClient, as the ws docs recommend.
  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://host').pathname !== '/graphql')
      return refuse(socket, 404, 'Not Found');
    if (closing) return refuse(socket, 503, 'Service Unavailable');
    if (!originAllowed(request, config)) return refuse(socket, 403, 'Forbidden');
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
      onConnect: (ctx) => authenticateSocket(ctx, services, sockets),
      onSubscribe: (ctx, _id, payload) => {
        // graphql-ws registers the new id before calling us, so it is part of the count.
        if (Object.keys(ctx.subscriptions).length > config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [tooManySubscriptions(config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET)];
        }
        return prepareOperation(schema, payload, operationRules);
      },
      context: (ctx): SubscriptionContext => ({
        ...createContext(services, {
          requestId: requestIdFrom(undefined),
          viewer: ctx.extra.viewer ?? null,
          clientAddress: ctx.extra.request.socket.remoteAddress ?? 'unknown',
        }),
        realtime,
        closeSocket: (code, reason) => ctx.extra.socket.close(code, reason),
      }),
      subscribe: subscribePerEvent,
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors) return;
        const { requestId, log } = args.contextValue as AppContext;
        return { ...result, errors: formatErrors(result.errors, log, requestId) };
      },
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors, services.log),
    },
    wss,
  );

  return {
    realtime,
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
      await realtime.close();
    },
  };
}

/** No token: anonymous. A bad one: 4403. A user at the socket cap: 1008 (no client retries it). */
async function authenticateSocket(
  ctx: SocketContext,
  services: AppServices,
  sockets: SocketsPerUser,
): Promise<boolean> {
  const payload = ctx.connectionParams ?? {};
  let viewer: Viewer | 'anonymous' | 'refused';
  try {
    viewer = await services.sessions.viewerOf(payload.authorization ?? payload.Authorization);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    // Not the client's fault and not worth a 4500 with the driver's message: try again later.
    services.log.warn({ err: error }, 'database unavailable while authenticating a socket');
    ctx.extra.socket.close(TRY_AGAIN_LATER, 'Service unavailable');
    return false;
  }
  if (viewer === 'anonymous') {
    ctx.extra.viewer = null;
    return true;
  }
  if (viewer === 'refused') return false; // graphql-ws closes with 4403 Forbidden
  // The client may have gone while its token was checked: nothing to count or acknowledge.
  if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
  if (!sockets.tryOpen(viewer.id, ctx.extra.socket)) {
    // The first close wins: ws ignores the 4403 graphql-ws sends after this.
    ctx.extra.socket.close(POLICY_VIOLATION, 'Too many connections for this user');
    return false;
  }
  ctx.extra.viewer = viewer;
  return true;
}

/**
 * Browsers always send Origin; other clients (apps, servers) usually do not and cannot be
 * hijacked through a victim's browser. Allowed: no Origin, the server's own origin (e.g.
 * Sandbox served from here), or one listed in CORS_ORIGINS.
 */
function originAllowed(request: http.IncomingMessage, config: Pick<Config, 'CORS_ORIGINS'>): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (config.CORS_ORIGINS.includes(origin)) return true;
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
