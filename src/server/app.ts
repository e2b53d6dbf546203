import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema } from 'graphql';
import express from 'express';
import type { Config } from '../config';
import type { AppContext, AppServices, MediaServices } from '../core/context';
import { createMediaRuntime } from '../media/runtime';
import { startMediaSweeper, sweepMedia, type SweepReport } from '../media/sweeper';
import { mediaRoutes } from './media-routes';
import { PRIVACY_RULES, type ReadPolicy } from '../core/visibility';
import { buildSchema } from '../graphql/schema';
import { limitedActions } from '../modules';
import { formatError } from '../graphql/format-error';
import { loggingPlugin, noStorePlugin } from './plugins';
import { contextFor, requestIdFrom } from './request-context';
import { createPubSub } from '../realtime/pubsub';
import { createSessionCheck } from '../auth/sessions';
import { attachWebSocketServer } from './websocket';
import { createEventStreams } from './event-stream';
import { createSubscriptions } from './subscriptions';
import { validationRules } from '../graphql/validation-rules';
import { withRateLimits } from '../security/limited-mutations';
import { withTextChecks } from '../security/text-inputs';
import { createRateLimits } from '../security/rate-limits';
import { operationGuardPlugin } from './operation-guard';
import { handleTransportErrors } from './transport-errors';
import type { RealtimeHub } from '../realtime/hub';
import { withTimeout } from '../core/timeout';
import { compiledExecutorGateway } from './compiled-executor';
import { compressResponses } from './compression';
import { corsHandlers } from './cors';
import { refuseSimplePosts } from './csrf';

export interface AppOptions extends Omit<AppServices, 'events' | 'limits' | 'policy' | 'sessions' | 'media'> {
  /** photo storage and processing; built from the config unless given (tests wrap it) */
  media?: MediaServices;
  /** who may see what; all content is public unless told otherwise (tests hide chosen rows) */
  policy?: ReadPolicy;
  /** true when the database answers; backs /readyz */
  ping: () => Promise<void>;
}

export interface RunningApp {
  readonly server: http.Server;
  readonly port: number;
  readonly url: string;
  /** this instance's subscription fan-out (tests and benchmarks watch its subscriber count) */
  readonly realtime: RealtimeHub;
  /** photo storage and processing, and one sweep of its unused files (tests run it) */
  readonly media: MediaServices;
  sweepMedia(): Promise<SweepReport>;
  /** Graceful stop: refuse new work, let in-flight requests finish (bounded), close sockets. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 2_000;

/** The schema as it is (graphql-js executes), or behind the compiled executor's gateway. */
function executionOf(schema: GraphQLSchema, config: Pick<Config, 'GRAPHQL_EXECUTOR'>) {
  return config.GRAPHQL_EXECUTOR === 'compiled' ? { gateway: compiledExecutorGateway(schema) } : { schema };
}

export async function startApp(options: AppOptions, port: number, host = '0.0.0.0'): Promise<RunningApp> {
  const { config, log } = options;
  const pubsub = createPubSub(config, log);
  const sessions = createSessionCheck(options.prisma, pubsub, { ttlMs: config.SESSION_CACHE_MS });
  await sessions.ready;
  let origin = config.PUBLIC_URL;
  const media = options.media ?? createMediaRuntime(config, () => origin ?? '');
  const services: AppServices = {
    config: options.config,
    prisma: options.prisma,
    log: options.log,
    passwords: options.passwords,
    events: pubsub,
    limits: await createRateLimits(config, log, limitedActions),
    policy: options.policy ?? PRIVACY_RULES,
    sessions,
    media,
  };
  // Text checks outermost: a refused string spends no rate-limit budget.
  const schema = withTextChecks(withRateLimits(buildSchema(), limitedActions));
  const app = express();
  app.disable('x-powered-by');
  // Decides req.ip, the client address that per-address limits count (see TRUST_PROXY).
  app.set('trust proxy', config.TRUST_PROXY);
  const server = http.createServer(app);
  // Idle keep-alive connections outlive the client's (and a load balancer's, typically 60 s)
  // idle timeout, so a client never sends a request on a socket the server is closing.
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS + 1_000;
  const subscriptions = createSubscriptions(schema, services, pubsub);
  const websocket = attachWebSocketServer(server, subscriptions);
  const eventStreams = createEventStreams(subscriptions);

  const apollo = new ApolloServer<AppContext>({
    ...executionOf(schema, config),
    formatError,
    validationRules: validationRules(config),
    // Counted by graphql-js's lexer: an over-long document is refused before it is even parsed
    // whole, let alone validated.
    parseOptions: { maxTokens: config.MAX_TOKENS },
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.isProduction,
    // Replaced by refuseSimplePosts, which lets queries over GET through (see csrf.ts).
    csrfPrevention: false,
    allowBatchedHttpRequests: false,
    // main.ts owns the signals: it stops the server, then the database, then exits. Apollo's
    // own handler would stop concurrently and re-raise the signal.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer: server,
        stopGracePeriodMillis: config.SHUTDOWN_GRACE_MS,
      }),
      {
        serverWillStart: async () => ({
          drainServer: async () => {
            await Promise.all([websocket.close(), eventStreams.close()]);
            await subscriptions.close();
          },
        }),
      },
      // Sandbox needs introspection: both are on outside production, off in it by default.
      config.introspection
        ? ApolloServerPluginLandingPageLocalDefault({ footer: false, embed: true })
        : ApolloServerPluginLandingPageDisabled(),
      // No type or field carries a cache hint and every response may be personal, so the
      // answer is always `no-store`: said once per response instead of computing a cache
      // policy in a hook around every field resolver (bench: ~7% of a feed request's CPU).
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin,
      operationGuardPlugin(config),
      loggingPlugin,
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Set once stop() begins: readiness then fails so a load balancer stops routing here.
  let stopping: Promise<void> | undefined;
  app.get('/readyz', async (_req, res) => {
    try {
      if (stopping) throw new Error('shutting down');
      await withTimeout(options.ping(), READY_TIMEOUT_MS);
      res.json({ status: 'ready' });
    } catch (error) {
      log.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  if (media.local) app.use(mediaRoutes(media.local, log));
  app.use(
    '/graphql',
    ...(config.COMPRESSION === 'on' ? [compressResponses()] : []),
    ...corsHandlers(config),
    refuseSimplePosts(),
    express.json({ limit: config.HTTP_MAX_BODY_BYTES }),
    eventStreams.middleware, // /graphql/stream, behind the same CORS and body limit
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = requestIdFrom(req.headers['x-request-id']);
        res.setHeader('x-request-id', requestId);
        return contextFor(services, {
          authorization: req.headers.authorization,
          requestId,
          clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        });
      },
    }),
    handleTransportErrors(log),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  origin ??= `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${actualPort}`;
  const sweeper = startMediaSweeper(services, log);
  log.info({ port: actualPort }, `Shutter listening on http://localhost:${actualPort}/graphql`);

  return {
    server,
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}/graphql`,
    realtime: subscriptions.realtime,
    media,
    sweepMedia: () => sweepMedia(services),
    stop: () =>
      (stopping ??= (async () => {
        await sweeper.stop();
        await apollo.stop();
        await pubsub.close();
        await services.limits.close();
      })()),
  };
}
