import { Prisma, type Comment, type PrismaClient } from '../generated/prisma/client';
import {
  createChildPageLoader,
  firstPage,
  keyset,
  lateralPage,
  type Connection,
  type PageRequest,
} from '../core/connection';
import { carry } from '../core/fetched-with';
import { createLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';
import { bigintArray } from '../core/sql';
import type { Visibility } from '../core/visibility';
import { commentColumns, commentFromRow } from './columns';
import {
  userColumns,
  userFromJson,
  userFromRow,
  userJson,
  type UserJson,
  type UserModel,
  type UserShape,
} from '../users/columns';

/** A post's comments, oldest first; the index (post_id, created_at, id) serves it. */
export const POST_COMMENTS = keyset({
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
function fetchCommentPages(prisma: PrismaClient, visible: Visibility) {
  return (postIds: bigint[], page: PageRequest): Promise<CommentRow[]> => prisma.$queryRaw<CommentRow[]>`
    SELECT ${commentColumns('c')}, c.post_id AS "parentId", ${userColumns('u', 'author.')}
    FROM ${lateralPage({ parentIds: postIds, table: 'comments', alias: 'c', parentColumn: 'post_id', keyset: POST_COMMENTS, page, where: visible.commentUnderShownPost('c') })}
    JOIN users u ON u.id = c.author_id
    ORDER BY ${POST_COMMENTS.sqlOrderBy('c')}`;
}

/** What a comment row may carry from the statement that fetched it: its author. */
export interface CommentFetchedWith {
  author: UserModel;
}

/** The comments of a page, each carrying its author. */
async function withAuthors(rows: CommentRow[]): Promise<Comment[]> {
  return rows.map((row) =>
    carry<Comment, CommentFetchedWith>(commentFromRow(row), { author: userFromRow(row, 'author.') }),
  );
}

function createCommentLoaders({ prisma, visible }: DataDeps) {
  return {
    /** the comments the viewer may see, by id (null for the others) */
    commentById: createLoader(
      (ids: readonly bigint[]) => prisma.$queryRaw<Comment[]>`
        SELECT ${commentColumns('c')} FROM comments c
        WHERE c.id = ANY(${bigintArray(ids)}) AND ${visible.comment('c')}`,
      (comment: Comment) => comment.id,
    ),
    /** Post.comments: a page of each post's comments */
    commentPageByPostId: createChildPageLoader(
      POST_COMMENTS,
      fetchCommentPages(prisma, visible),
      withAuthors,
    ),
  };
}

export const commentLoaders = domainLoaders(createCommentLoaders, {
  commentById: 'event',
  commentPageByPostId: 'viewer',
});

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createCommentLoaders> {}
}

/** A comment and its author as selected by `firstCommentsJson` (its post is the row's). */
export type CommentJson = [id: string, body: string, createdAt: string, author: UserJson];

/**
 * The first page of a post's comments (`first + 1`, oldest first, with their authors shaped as
 * `authorShape`) as one JSON column of that post's row, for a statement that selects posts
 * (alias `postAlias`) and already knows the page its caller will ask for. `firstCommentsPage`
 * hands the result to the post, so Post.comments finds it without a statement of its own.
 */
export function firstCommentsJson(
  postAlias: string,
  first: number,
  visible: Visibility,
  authorShape: UserShape,
): Prisma.Sql {
  const post = Prisma.raw(postAlias);
  return Prisma.sql`coalesce((
    SELECT json_agg(json_build_array(c.id::text, c.body, c.created_at, ${userJson('cu', authorShape)})
      ORDER BY ${POST_COMMENTS.sqlOrderBy('c')})
    FROM (
      SELECT * FROM comments c WHERE c.post_id = ${post}.id AND ${visible.commentUnderShownPost('c')}
      ORDER BY ${POST_COMMENTS.sqlOrderBy('c')}
      LIMIT ${first + 1}
    ) c
    JOIN users cu ON cu.id = c.author_id
  ), '[]')`;
}

/** The page `firstCommentsJson` selected for post `postId`, each comment carrying its author. */
export function firstCommentsPage(
  comments: CommentJson[],
  first: number,
  postId: bigint,
): Connection<Comment> {
  const rows = comments.map(([id, body, createdAt, authorJson]) => {
    const author = userFromJson(authorJson);
    return carry<Comment, CommentFetchedWith>(
      { id: BigInt(id), postId, authorId: author.id, body, createdAt: new Date(createdAt) },
      { author },
    );
  });
  return POST_COMMENTS.connection(rows, firstPage(first));
}
