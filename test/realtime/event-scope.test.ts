import type { PrismaClient } from '../../src/generated/prisma/client';
import { createLoaders } from '../../src/loaders';
import { LOADER_SCOPE } from '../../src/realtime/event-loaders';
import { EventScope } from '../../src/realtime/event-scope';

/**
 * The subscribers of one event share every loader whose value is the same for all of them, and
 * nothing whose value depends on the viewer. (tsc enforces the classification too; this runs
 * it where ts-jest does not type-check.) Building loaders sends no SQL, so no database is needed.
 */
const prisma = {} as PrismaClient;
const viewer = (id: bigint) => ({ id, sessionId: id });

it('classifies every request loader as shared by the event or scoped to the viewer', () => {
  expect(Object.keys(createLoaders(prisma, 1n)).sort()).toEqual(Object.keys(LOADER_SCOPE).sort());
});

it('shares the event loaders between viewers and gives each viewer its own viewer loaders', () => {
  const scope = new EventScope(prisma);
  const [one, two] = [scope.loadersFor(viewer(1n)), scope.loadersFor(viewer(2n))];
  for (const [name, sharing] of Object.entries(LOADER_SCOPE) as [keyof typeof LOADER_SCOPE, string][]) {
    if (sharing === 'event') expect(one[name]).toBe(two[name]);
    else expect(one[name]).not.toBe(two[name]);
  }
  expect(scope.loadersFor(viewer(1n))).toBe(one); // two subscriptions of one viewer share too
  expect(scope.loadersFor(null)).toBe(scope.shared); // anonymous sees the viewer-free values
});

it('builds nothing that outlives the event', () => {
  expect(new EventScope(prisma).shared.postById).not.toBe(new EventScope(prisma).shared.postById);
});
