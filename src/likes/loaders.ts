import type { Like, PrismaClient } from '../generated/prisma/client';
import type { Loaders } from '../core/context';
import { createChildPageLoader, keyset, lateralPage, type PageRequest } from '../core/connection';
import { createExistsLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';
import type { Visibility } from '../core/visibility';
import { userColumns, userFromRow, type UserModel } from '../users/columns';

/** Who liked a post, most recent like first; the index (post_id, created_at, user_id) serves it. */
export const POST_LIKERS = keyset({
  name: 'Post.likedBy',
  direction: 'desc',
  keys: [
    { field: 'createdAt', column: 'created_at', type: 'date' },
    { field: 'userId', column: 'user_id', type: 'bigint' },
  ],
});

type LikeRow = Like & { parentId: bigint } & Record<`user.${string}`, unknown>;

/**
 * One statement for a page of likes of every post in the batch (LATERAL per post), with each
 * liker joined in, as comments join their authors: the likers then cost no batch of their own,
 * so the statements of a page do not depend on when each batch's answer arrives.
 */
function fetchLikePages(prisma: PrismaClient, visible: Visibility) {
  return (postIds: bigint[], page: PageRequest): Promise<LikeRow[]> => prisma.$queryRaw<LikeRow[]>`
    SELECT l.user_id AS "userId", l.post_id AS "postId", l.created_at AS "createdAt", l.post_id AS "parentId",
           ${userColumns('u', 'user.')}
    FROM ${lateralPage({ parentIds: postIds, table: 'likes', alias: 'l', parentColumn: 'post_id', keyset: POST_LIKERS, page, where: visible.userWithId('l.user_id') })}
    JOIN users u ON u.id = l.user_id
    ORDER BY ${POST_LIKERS.sqlOrderBy('l')}`;
}

/** The likers as Users, handed to the request's user loader so they share its cache. */
function likersOf(loaders: Pick<Loaders, 'userById'>) {
  return async (likes: LikeRow[]): Promise<UserModel[]> =>
    likes.map((like) => {
      const user = userFromRow(like, 'user.');
      loaders.userById.prime(user.id, user);
      return user;
    });
}

/** Answers viewerHasLiked for a batch of posts with one lookup on the (user_id, post_id) key. */
function viewerLikes(prisma: PrismaClient, viewerId: bigint) {
  return createExistsLoader(async (postIds: readonly bigint[]) => {
    const likes = await prisma.like.findMany({
      where: { userId: viewerId, postId: { in: [...postIds] } },
      select: { postId: true },
    });
    return likes.map((like) => like.postId);
  });
}

function createLikeLoaders({
  prisma,
  viewerId,
  visible,
  loaders,
}: DataDeps & { loaders: Pick<Loaders, 'userById'> }) {
  return {
    /** Post.likedBy: a page of each post's likers */
    likerPageByPostId: createChildPageLoader(POST_LIKERS, fetchLikePages(prisma, visible), likersOf(loaders)),
    /** whether the viewer liked each post; absent (null) for anonymous requests */
    viewerHasLikedByPostId: viewerId === null ? null : viewerLikes(prisma, viewerId),
  };
}

export const likeLoaders = domainLoaders(createLikeLoaders, {
  likerPageByPostId: 'viewer',
  viewerHasLikedByPostId: 'viewer',
});

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createLikeLoaders> {}
}
