import type DataLoader from 'dataloader';
import type { Comment, PrismaClient, User } from '../generated/prisma/client';
import { createChildPageLoader, keyset, type PageRequest } from '../shared/connection';
import { createLoader } from '../shared/loader';
import { bigintArray } from '../shared/sql';
import { userColumns, userFromRow } from '../users/columns';

/** A post's comments, oldest first; the index (post_id, created_at, id) serves it. */
export const commentsOldestFirst = keyset({
  name: 'Post.comments',
  direction: 'asc',
  keys: [
    { field: 'createdAt', column: 'created_at', type: 'date' },
    { field: 'id', column: 'id', type: 'bigint' },
  ],
});

type CommentRow = Comment & { parentId: bigint } & Record<`author.${string}`, unknown>;

/**
 * One statement for a page of comments of every post in the batch (LATERAL per post), with
 * each comment's author joined in: a feed page shows its comments with their authors, and the
 * join saves that page a round trip.
 */
function fetchCommentPages(prisma: PrismaClient) {
  return (postIds: bigint[], page: PageRequest): Promise<CommentRow[]> => prisma.$queryRaw<CommentRow[]>`
    SELECT c.id, c.post_id AS "postId", c.author_id AS "authorId", c.body, c.created_at AS "createdAt",
           c.post_id AS "parentId", ${userColumns('u', 'author.')}
    FROM unnest(${bigintArray(postIds)}) AS parent(id)
    CROSS JOIN LATERAL (
      SELECT * FROM comments c
      WHERE c.post_id = parent.id AND ${commentsOldestFirst.sqlAfter(page.after, 'c')}
      ORDER BY ${commentsOldestFirst.sqlOrderBy('c')}
      LIMIT ${page.first + 1}
    ) c
    JOIN users u ON u.id = c.author_id
    ORDER BY ${commentsOldestFirst.sqlOrderBy('c')}`;
}

/** The comments of a page, their authors handed to the request's user loader. */
function withAuthorsPrimed(userById: DataLoader<bigint, User | null>) {
  return async (rows: CommentRow[]): Promise<Comment[]> =>
    rows.map((row) => {
      userById.prime(row.authorId, userFromRow(row, 'author.'));
      return {
        id: row.id,
        postId: row.postId,
        authorId: row.authorId,
        body: row.body,
        createdAt: row.createdAt,
      };
    });
}

export function createCommentLoaders(
  prisma: PrismaClient,
  users: { userById: DataLoader<bigint, User | null> },
) {
  return {
    commentById: createLoader(
      (ids: readonly bigint[]) => prisma.comment.findMany({ where: { id: { in: [...ids] } } }),
      (comment: Comment) => comment.id,
    ),
    /** Post.comments: a page of each post's comments */
    commentPageByPostId: createChildPageLoader(
      commentsOldestFirst,
      fetchCommentPages(prisma),
      withAuthorsPrimed(users.userById),
    ),
  };
}
