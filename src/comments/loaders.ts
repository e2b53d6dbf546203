import type { Comment, PrismaClient } from '../generated/prisma/client';
import { createChildPageLoader, keyset, type PageRequest } from '../shared/connection';
import { createLoader } from '../shared/loader';

/** A post's comments, oldest first; the index (post_id, created_at, id) serves it. */
export const commentsOldestFirst = keyset({
  name: 'Post.comments',
  direction: 'asc',
  keys: [
    { field: 'createdAt', column: 'created_at', type: 'date' },
    { field: 'id', column: 'id', type: 'bigint' },
  ],
});

type CommentRow = Comment & { parentId: bigint };

/** One statement for a page of comments of every post in the batch (LATERAL per post). */
function fetchCommentPages(prisma: PrismaClient) {
  return (postIds: bigint[], page: PageRequest): Promise<CommentRow[]> => prisma.$queryRaw<CommentRow[]>`
    SELECT c.id, c.post_id AS "postId", c.author_id AS "authorId", c.body, c.created_at AS "createdAt",
           c.post_id AS "parentId"
    FROM unnest(${postIds.map(String)}::bigint[]) AS parent(id)
    CROSS JOIN LATERAL (
      SELECT * FROM comments c
      WHERE c.post_id = parent.id AND ${commentsOldestFirst.sqlAfter(page.after, 'c')}
      ORDER BY ${commentsOldestFirst.sqlOrderBy('c')}
      LIMIT ${page.first + 1}
    ) c
    ORDER BY ${commentsOldestFirst.sqlOrderBy('c')}`;
}

export function createCommentLoaders(prisma: PrismaClient) {
  return {
    commentById: createLoader(
      (ids: readonly bigint[]) => prisma.comment.findMany({ where: { id: { in: [...ids] } } }),
      (comment: Comment) => comment.id,
    ),
    /** Post.comments: a page of each post's comments */
    commentPageByPostId: createChildPageLoader(commentsOldestFirst, fetchCommentPages(prisma)),
  };
}
