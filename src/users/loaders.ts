import { createLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';
import { bigintArray } from '../core/sql';
import { userColumns, type UserModel } from './columns';

function createUserLoaders({ prisma, visible }: DataDeps) {
  return {
    /** the users the viewer may see, by id (null for the others) */
    userById: createLoader(
      (ids: readonly bigint[]) => prisma.$queryRaw<UserModel[]>`
        SELECT ${userColumns('u')} FROM users u
        WHERE u.id = ANY(${bigintArray(ids)}) AND ${visible.user('u')}`,
      (user: UserModel) => user.id,
    ),
  };
}

export const userLoaders = domainLoaders(createUserLoaders, { userById: 'event' });

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createUserLoaders> {}
}
