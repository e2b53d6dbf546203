import type { RequestHandler, Response as ExpressResponse } from 'express';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Response as StreamResponse } from 'graphql-sse';
import { createHandler } from 'graphql-sse/lib/use/express';
import { SERVICE_UNAVAILABLE_MESSAGE } from '../core/errors';
import { INTERNAL_ERROR_MESSAGE } from '../graphql/format-error';
import type { SubscriptionContext } from '../realtime/context';
import { subscribePerEvent } from '../realtime/execute';
import { endedBy } from '../realtime/iterators';
import type { CountedConnection } from './connections-per-user';
import { formatErrors, prepareOperation } from './subscription-operation';
import type { Admission, Subscriptions } from './subscriptions';

/** Where subscriptions are served as Server-Sent Events, beside the GraphQL endpoint. */
export const EVENT_STREAM_PATH = '/graphql/stream';

// graphql-sse types a context as a record (an interface has no index signature).
type StreamContext = SubscriptionContext &
  Record<PropertyKey, unknown> & {
    /** Resolves with the stream's last result once the subscriber's session has ended. */
    lastResult: Promise<ExecutionResult>;
  };

/**
 * Subscriptions over plain HTTP: GraphQL over Server-Sent Events (the graphql-sse protocol) in
 * its "distinct connections mode", one subscription per request and response, for clients
 * whose network drops WebSockets. The stream is held to everything a WebSocket subscription
 * is (see Subscriptions): the token comes from the Authorization header, the user's streams
 * count against the same connection budget as its sockets, and events reach it through the
 * same hub, filters and per-event loaders. graphql-sse writes a comment every 12 s, which keeps
 * proxies from closing an idle stream.
 *
 * How each outcome is answered: a refused operation (limits, validation, not a subscription)
 * as one result carrying its errors, then `complete`, as graphql-sse itself reports validation
 * errors (a graphql-sse client retries any non-2xx answer); a bad token 401, a user at the cap
 * 429, a database that cannot check the token 503, all with a JSON GraphQL error body.
 */
export function createEventStreams(subscriptions: Subscriptions) {
  const { schema, services } = subscriptions;
  const { log } = services;
  const open = new Set<ExpressResponse>();
  let closing = false;

  const handle = createHandler<StreamContext>({
    // No stream token: "single connection mode" (several operations on one reserved stream) is
    // off, so every request is a stream of its own and nothing is held between requests.
    authenticate: () => null,
    onSubscribe: async (req, params) => {
      const { res } = req.context;
      const prepared = prepareOperation(schema, params, subscriptions.rules);
      if (Array.isArray(prepared)) return onlyResult(formatErrors(prepared, log));
      const admission = await subscriptions.admit(req.headers.get('authorization'), responseConnection(res));
      if (!admission.admitted) return refusal(admission, subscriptions.maxConnectionsPerUser);
      let endSession!: () => void;
      const lastResult = new Promise<ExecutionResult>((resolve) => {
        endSession = () => resolve({ errors: [sessionEnded()] });
      });
      const context = subscriptions.contextFor({
        viewer: admission.viewer,
        clientAddress: req.raw.ip ?? req.raw.socket.remoteAddress ?? 'unknown',
        requestId: req.raw.headers['x-request-id'],
        sessionEnded: endSession,
      });
      res.setHeader('x-request-id', context.requestId);
      // nginx buffers proxied responses by default, which would hold events back.
      res.setHeader('x-accel-buffering', 'no');
      return { ...prepared, contextValue: { ...context, lastResult } };
    },
    // prepareOperation has validated the document with every rule already.
    validate: () => [],
    subscribe: async (args) => {
      const result = await subscribePerEvent(args);
      return Symbol.asyncIterator in result ? endedBy(result, args.contextValue.lastResult) : result;
    },
    // Without a context, the result is a refused operation's, whose errors are formatted
    // already. Nothing here defers or streams: every result is a whole ExecutionResult.
    onNext: (ctx: StreamContext | undefined, _req, result) =>
      ctx && result.errors
        ? (subscriptions.formatResult(result as ExecutionResult, ctx) as ExecutionResult)
        : undefined,
  });

  /** Serves EVENT_STREAM_PATH; passes every other request under /graphql on. */
  const middleware: RequestHandler = (req, res, next) => {
    if (req.baseUrl + req.path !== EVENT_STREAM_PATH) return next();
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return answer(res, 405, 'BAD_REQUEST', 'Event streams are opened with GET or POST.');
    }
    if (!req.get('accept')?.includes('text/event-stream')) {
      return answer(
        res,
        406,
        'BAD_REQUEST',
        'This endpoint serves subscriptions as Server-Sent Events (graphql-sse): send Accept: text/event-stream.',
      );
    }
    if (closing) return answer(res, 503, 'SERVICE_UNAVAILABLE', SERVICE_UNAVAILABLE_MESSAGE);
    // graphql-sse only recognizes the exact value; any Accept that lists the type qualifies.
    req.headers.accept = 'text/event-stream';
    open.add(res);
    res.once('close', () => open.delete(res));
    handle(req, res).catch((err: unknown) => {
      log.error({ err, url: req.originalUrl }, 'event stream failed');
      if (!res.headersSent) answer(res, 500, 'INTERNAL_SERVER_ERROR', INTERNAL_ERROR_MESSAGE);
      else res.destroy();
    });
  };

  return {
    middleware,
    /**
     * Graceful stop: refuse new streams and end the open ones. A stream that ends without its
     * `complete` event tells a graphql-sse client to connect again (to another instance, behind
     * a load balancer), as a WebSocket's 1001 Going Away does.
     */
    async close() {
      closing = true;
      for (const res of open) res.end();
    },
  };
}

function responseConnection(res: ExpressResponse): CountedConnection {
  return {
    isOpen: () => !res.destroyed && !res.writableEnded,
    once: (event, listener) => res.once(event, listener),
  };
}

const REFUSALS = {
  refused: [401, 'Unauthorized', 'UNAUTHENTICATED', () => 'Invalid or expired token.'],
  tooMany: [
    429,
    'Too Many Requests',
    'BAD_REQUEST',
    (max) => `Too many connections for this user (at most ${max}).`,
  ],
  unavailable: [503, 'Service Unavailable', 'SERVICE_UNAVAILABLE', () => SERVICE_UNAVAILABLE_MESSAGE],
  // The client has gone: nobody reads this; access logs show it as nginx would.
  gone: [499, 'Client Closed Request', 'BAD_REQUEST', () => 'Client closed the request.'],
} as const satisfies Record<string, readonly [number, string, string, (max: number) => string]>;

function refusal(admission: Admission & { admitted: false }, maxConnections: number): StreamResponse {
  const [status, statusText, code, message] = REFUSALS[admission.reason];
  return [
    JSON.stringify({ errors: [{ message: message(maxConnections), extensions: { code } }] }),
    { status, statusText, headers: { 'content-type': 'application/json; charset=utf-8' } },
  ];
}

function answer(res: ExpressResponse, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** A stream of one result with these errors (and no data): graphql-sse sends it, then `complete`. */
async function* onlyResult(errors: GraphQLFormattedError[]): AsyncGenerator<ExecutionResult> {
  // graphql-sse serializes results as JSON: formatted errors are what it would send anyway.
  yield { errors: errors as unknown as GraphQLError[] };
}

function sessionEnded(): GraphQLError {
  return new GraphQLError('Invalid or expired token.', { extensions: { code: 'UNAUTHENTICATED' } });
}
