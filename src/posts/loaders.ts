import type { Media, Post, PrismaClient } from '../generated/prisma/client';
import { createListLoader, createLoader } from '../shared/loader';

export function createPostLoaders(prisma: PrismaClient) {
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
