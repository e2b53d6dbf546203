import type { PrismaClient } from '../../src/generated/prisma/client';
import { PUBLIC_CONTENT } from '../../src/core/visibility';
import { createLoaders, createRequestLoaders, LOADER_SCOPE } from '../../src/server/context';
import { modules } from '../../src/modules';

/**
 * A request's loaders are built a domain at a time, the first time one of the domain's loaders
 * is read (src/server/context.ts, LAZY_LOADERS). Building loaders sends no SQL, so no database
 * is needed.
 */
const prisma = {} as PrismaClient;
const built = (loaders: object) => Object.getOwnPropertyNames(loaders).sort();
const namesOf = (domain: string) =>
  Object.keys(modules.find((module) => module.name === domain)!.loaders!.scope).sort();

it('builds no loader until one is read', () => {
  expect(built(createRequestLoaders(prisma, 1n, PUBLIC_CONTENT))).toEqual([]);
});

it("builds the domain's loaders, only, when one of them is read, and keeps them", () => {
  const loaders = createRequestLoaders(prisma, 1n, PUBLIC_CONTENT);
  const first = loaders.userById;
  expect(built(loaders)).toEqual(namesOf('users'));
  expect(loaders.userById).toBe(first);
  const likes = loaders.viewerHasLikedByPostId;
  expect(built(loaders)).toEqual([...namesOf('users'), ...namesOf('likes')].sort());
  expect(loaders.viewerHasLikedByPostId).toBe(likes);
});

it('offers every loader a request has, each request its own', () => {
  const [one, two] = [
    createRequestLoaders(prisma, 1n, PUBLIC_CONTENT),
    createRequestLoaders(prisma, 1n, PUBLIC_CONTENT),
  ];
  const eager = createLoaders(prisma, 1n, PUBLIC_CONTENT) as unknown as Record<string, unknown>;
  for (const name of Object.keys(LOADER_SCOPE)) {
    const [a, b] = [
      (one as unknown as Record<string, object>)[name],
      (two as unknown as Record<string, object>)[name],
    ];
    expect(a).toBeDefined();
    expect(a!.constructor).toBe((eager[name] as object).constructor);
    expect(a).not.toBe(b);
  }
  expect(built(one)).toEqual(Object.keys(LOADER_SCOPE).sort());
});
