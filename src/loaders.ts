import type { PrismaClient } from './generated/prisma/client';
import { createCommentLoaders } from './comments/loaders';
import { createFeedLoaders } from './feed/loaders';
import { createFollowLoaders } from './follows/loaders';
import { createLikeLoaders } from './likes/loaders';
import { createPostLoaders } from './posts/loaders';
import { createUserLoaders } from './users/loaders';

/**
 * Every DataLoader of a request, built fresh per request (or per subscription event).
 * Viewer-dependent loaders are built for this viewer only, so one viewer's flags can never
 * be served to another.
 */
export function createLoaders(prisma: PrismaClient, viewerId: bigint | null) {
  const users = createUserLoaders(prisma);
  return {
    ...users,
    ...createPostLoaders(prisma),
    ...createCommentLoaders(prisma),
    ...createLikeLoaders(prisma, viewerId, users),
    ...createFollowLoaders(prisma, viewerId),
    ...createFeedLoaders(prisma),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
