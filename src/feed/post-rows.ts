import { Prisma } from '../generated/prisma/client';

/** Every column of `posts` under its Prisma field name, so raw rows are Post models. */
export function postColumns(alias: string): Prisma.Sql {
  const a = alias;
  return Prisma.raw(
    [
      `${a}.id`,
      `${a}.author_id AS "authorId"`,
      `${a}.caption`,
      `${a}.created_at AS "createdAt"`,
      `${a}.edited_at AS "editedAt"`,
      `${a}.like_count AS "likeCount"`,
      `${a}.comment_count AS "commentCount"`,
    ].join(', '),
  );
}
