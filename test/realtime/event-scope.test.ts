import type { PrismaClient } from '../../src/generated/prisma/client';
import { PUBLIC_CONTENT } from '../../src/core/visibility';
import { EventScope } from '../../src/realtime/event-scope';
import { createLoaders, LOADER_SCOPE } from '../../src/server/context';

/**
 * The subscribers of one event share every loader whose value is the same for all of them, and
 * nothing whose value depends on the viewer (tsc holds each domain to classifying its loaders).
 * Building loaders sends no SQL, so no database is needed.
 */
const prisma = {} as PrismaClient;
const viewer = (id: bigint) => ({ id, sessionId: id });
const factory = { create: createLoaders, scope: LOADER_SCOPE };
const loader = (loaders: object, name: string): unknown => (loaders as Record<string, unknown>)[name];

it('classifies every request loader as shared by the event or scoped to the viewer', () => {
  expect(Object.keys(createLoaders(prisma, 1n, PUBLIC_CONTENT)).sort()).toEqual(
    Object.keys(LOADER_SCOPE).sort(),
  );
});

it('shares the event loaders between viewers and gives each viewer its own viewer loaders', () => {
  const scope = new EventScope(prisma, factory, PUBLIC_CONTENT);
  const [one, two] = [scope.loadersFor(viewer(1n)), scope.loadersFor(viewer(2n))];
  for (const [name, sharing] of Object.entries(LOADER_SCOPE)) {
    if (sharing === 'event') expect(loader(one, name)).toBe(loader(two, name));
    else expect(loader(one, name)).not.toBe(loader(two, name));
  }
  expect(scope.loadersFor(viewer(1n))).toBe(one); // two subscriptions of one viewer share too
  expect(scope.loadersFor(null)).toBe(scope.shared); // anonymous sees the viewer-free values
});

it('builds nothing that outlives the event', () => {
  expect(new EventScope(prisma, factory, PUBLIC_CONTENT).shared.postById).not.toBe(
    new EventScope(prisma, factory, PUBLIC_CONTENT).shared.postById,
  );
});

it('gives each viewer its own copy of a viewer-scoped loader that no cross-viewer window replaces', () => {
  const withNewLoader = {
    create: (db: PrismaClient, viewerId: bigint | null, policy: typeof PUBLIC_CONTENT) =>
      ({ ...createLoaders(db, viewerId, policy), viewerHasSomething: { viewerId } }) as ReturnType<
        typeof createLoaders
      >,
    scope: { ...LOADER_SCOPE, viewerHasSomething: 'viewer' as const },
  };
  const scope = new EventScope(prisma, withNewLoader, PUBLIC_CONTENT);
  expect(loader(scope.loadersFor(viewer(1n)), 'viewerHasSomething')).toEqual({ viewerId: 1n });
  expect(loader(scope.loadersFor(viewer(2n)), 'viewerHasSomething')).toEqual({ viewerId: 2n });
});

it("builds a subscriber's own loaders only when its execution first reads one, and once", () => {
  let built = 0;
  const counting = {
    create: (...args: Parameters<typeof createLoaders>) => {
      built++;
      return createLoaders(...args);
    },
    scope: LOADER_SCOPE,
  };
  const scope = new EventScope(prisma, counting, PUBLIC_CONTENT);
  const afterShared = built;
  const one = scope.loadersFor(viewer(1n));
  scope.loadersFor(viewer(2n));
  // a subscriber whose document reads only windowed or shared loaders costs no loader set
  void loader(one, 'viewerHasLikedByPostId');
  void loader(one, 'postById');
  expect(built).toBe(afterShared);
  const page = loader(one, 'commentPageByPostId');
  expect(loader(one, 'commentPageByPostId')).toBe(page);
  void loader(one, 'postPageByAuthorId');
  expect(built).toBe(afterShared + 1);
});
