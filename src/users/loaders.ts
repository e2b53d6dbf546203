import type { PrismaClient, User } from '../generated/prisma/client';
import { createLoader } from '../shared/loader';

export function createUserLoaders(prisma: PrismaClient) {
  return {
    userById: createLoader(
      (ids: readonly bigint[]) => prisma.user.findMany({ where: { id: { in: [...ids] } } }),
      (user: User) => user.id,
    ),
  };
}
