import type { PrismaClient } from '../generated/prisma/client';
import { createLoader } from '../shared/loader';
import { USER_SELECT, type UserModel } from './columns';

export function createUserLoaders(prisma: PrismaClient) {
  return {
    userById: createLoader(
      (ids: readonly bigint[]) =>
        prisma.user.findMany({ where: { id: { in: [...ids] } }, select: USER_SELECT }),
      (user: UserModel) => user.id,
    ),
  };
}
