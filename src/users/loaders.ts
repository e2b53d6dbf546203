import { createExistsLoader, createLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';
import { bigintArray } from '../core/sql';
import { userColumns, type UserModel } from './columns';

function createUserLoaders({ prisma, visible }: DataDeps) {
  return {
    /** key: a user id -> whether the viewer may see their posts, followers and following */
    viewerSeesContentOfUserId: createExistsLoader(async (ids: readonly bigint[]) => {
      const rows = await prisma.$queryRaw<{ id: bigint }[]>`
        SELECT u.id FROM unnest(${bigintArray(ids)}) AS u(id) WHERE ${visible.contentOf('u.id')}`;
      return rows.map((row) => row.id);
    }),
    /** the users the viewer may see, by id (null for the others) */
    userById: createLoader(
      (ids: readonly bigint[]) => prisma.$queryRaw<UserModel[]>`
        SELECT ${userColumns('u')} FROM users u
        WHERE u.id = ANY(${bigintArray(ids)}) AND ${visible.user('u')}`,
      (user: UserModel) => user.id,
    ),
  };
}

export const userLoaders = domainLoaders(createUserLoaders, {
  userById: 'event',
  viewerSeesContentOfUserId: 'viewer',
});

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createUserLoaders> {}
}
