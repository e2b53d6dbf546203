import type { Logger } from 'pino';
import type { AppContext, AppServices, Loaders, Viewer } from '../core/context';
import type { LoaderScope } from '../core/module';
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
    loaders: createLoaders(services.prisma, viewerId, services.policy, visible),
    visible,
  };
}
