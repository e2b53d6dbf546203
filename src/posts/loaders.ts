import type { Media, Post } from '../generated/prisma/client';
import { createListLoader, createLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';
import { bigintArray } from '../core/sql';
import { postColumns } from './columns';

function createPostLoaders({ prisma, visible }: DataDeps) {
  return {
    /** the posts the viewer may see, by id (null for the others) */
    postById: createLoader(
      (ids: readonly bigint[]) => prisma.$queryRaw<Post[]>`
        SELECT ${postColumns('p')} FROM posts p WHERE p.id = ANY(${bigintArray(ids)}) AND ${visible.post('p')}`,
      (post: Post) => post.id,
    ),
    /** each post's media in the order given at creation */
    mediaByPostId: createListLoader(
      (postIds: readonly bigint[]) =>
        prisma.media.findMany({
          where: { postId: { in: [...postIds] } },
          orderBy: [{ postId: 'asc' }, { position: 'asc' }],
        }),
      (media: Media) => media.postId,
    ),
  };
}

export const postLoaders = domainLoaders(createPostLoaders, { postById: 'event', mediaByPostId: 'event' });

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createPostLoaders> {}
}
