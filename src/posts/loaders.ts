import type { Media, Post } from '../generated/prisma/client';
import { createListLoader, createLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';

function createPostLoaders({ prisma }: DataDeps) {
  return {
    postById: createLoader(
      (ids: readonly bigint[]) => prisma.post.findMany({ where: { id: { in: [...ids] } } }),
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
