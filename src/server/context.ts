import type { Logger } from 'pino';
import type { AppContext, AppServices, Loaders, Viewer } from '../core/context';
import type { LoaderDeps, LoaderScope } from '../core/module';
import type { PrismaClient } from '../generated/prisma/client';
import { visibilityFor, type ReadPolicy } from '../core/visibility';
import { modules } from '../modules';

/**
 * Every DataLoader of a request, built fresh per request (or per subscription event and
 * viewer) from each domain's factory. Viewer-dependent loaders are built for this viewer only,
 * so one viewer's flags can never be served to another.
 */
export function createLoaders(
  prisma: PrismaClient,
  viewerId: bigint | null,
  policy: ReadPolicy,
  visible = visibilityFor(policy, viewerId),
): Loaders {
  const loaders = {} as Loaders;
  const deps = { prisma, viewerId, visible, loaders };
  for (const module of modules) Object.assign(loaders, module.loaders?.create(deps));
  return loaders;
}

const DEPS = Symbol('loaderDeps');
type LazyLoaders = Loaders & { [DEPS]: LoaderDeps };

/**
 * What every request's loaders inherit: for each loader, a getter that builds its domain's
 * loaders, for this request, the first time one of them is read (they then shadow the
 * getters). A request reads the loaders of a few domains, a feed page none (its statement
 * carries all it shows), while building every domain's ~40 DataLoaders, twice per request
 * (anonymous, then once the token is checked), took ~5% of a feed request's CPU. The event
 * scopes of subscriptions spread and copy loader sets, so they keep `createLoaders`.
 */
const LAZY_LOADERS: object = Object.create(null);
for (const module of modules) {
  const domain = module.loaders;
  if (!domain) continue;
  const names = Object.keys(domain.scope);
  for (const name of names) {
    Object.defineProperty(LAZY_LOADERS, name, {
      enumerable: true,
      get(this: LazyLoaders) {
        const built = domain.create(this[DEPS]) as Record<string, unknown>;
        for (const own of names) {
          Object.defineProperty(this, own, {
            value: built[own],
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return built[name];
      },
    });
  }
}

/** A request's loaders, each domain's built on first use (see LAZY_LOADERS). */
export function createRequestLoaders(
  prisma: PrismaClient,
  viewerId: bigint | null,
  policy: ReadPolicy,
  visible = visibilityFor(policy, viewerId),
): Loaders {
  const loaders = Object.create(LAZY_LOADERS) as LazyLoaders;
  loaders[DEPS] = { prisma, viewerId, visible, loaders };
  return loaders;
}

/** For each loader: whether the subscribers of one event may share it (see realtime/event-scope). */
export const LOADER_SCOPE: Readonly<Record<string, LoaderScope>> = Object.assign(
  {},
  ...modules.map((module) => module.loaders?.scope ?? {}),
);

export function createContext(
  services: AppServices,
  request: { requestId: string; viewer: Viewer | null; clientAddress: string; log?: Logger },
): AppContext {
  const viewerId = request.viewer?.id ?? null;
  const visible = visibilityFor(services.policy, viewerId);
  return {
    ...services,
    log: request.log ?? services.log,
    requestId: request.requestId,
    viewer: request.viewer,
    clientAddress: request.clientAddress,
    signedIn: null,
    loaders: createRequestLoaders(services.prisma, viewerId, services.policy, visible),
    visible,
  };
}
