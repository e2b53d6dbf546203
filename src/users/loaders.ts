import { createLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';
import { USER_SELECT, type UserModel } from './columns';

function createUserLoaders({ prisma }: DataDeps) {
  return {
    userById: createLoader(
      (ids: readonly bigint[]) =>
        prisma.user.findMany({ where: { id: { in: [...ids] } }, select: USER_SELECT }),
      (user: UserModel) => user.id,
    ),
  };
}

export const userLoaders = domainLoaders(createUserLoaders, { userById: 'event' });

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createUserLoaders> {}
}
