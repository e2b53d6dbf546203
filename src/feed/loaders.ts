import type { Post, PrismaClient } from '../generated/prisma/client';
import { domainLoaders, type DataDeps } from '../core/module';
import { createChildPageLoader, type PageRequest } from '../core/connection';
import { bigintArray } from '../core/sql';
import { USER_POSTS } from './keysets';
import { postColumns } from './post-rows';

type AuthorPostRow = Post & { parentId: bigint };

function createFeedLoaders({ prisma }: DataDeps) {
  return {
    /** key: { parentId: an author } -> a page of their posts, newest first */
    postPageByAuthorId: createChildPageLoader(USER_POSTS, authorPostsFetcher(prisma), toPosts),
  };
}

export const feedLoaders = domainLoaders(createFeedLoaders, { postPageByAuthorId: 'event' });

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createFeedLoaders> {}
}

/** One statement per batch: each author's next `first + 1` posts via (author_id, created_at, id). */
function authorPostsFetcher(prisma: PrismaClient) {
  return (authorIds: bigint[], page: PageRequest): Promise<AuthorPostRow[]> => prisma.$queryRaw<
    AuthorPostRow[]
  >`
    SELECT author.id AS "parentId", ${postColumns('p')}
    FROM unnest(${bigintArray(authorIds)}) AS author(id)
    CROSS JOIN LATERAL (
      SELECT * FROM posts p
      WHERE p.author_id = author.id AND ${USER_POSTS.sqlAfter(page.after, 'p')}
      ORDER BY ${USER_POSTS.sqlOrderBy('p')}
      LIMIT ${page.first + 1}
    ) p
    ORDER BY author.id, ${USER_POSTS.sqlOrderBy('p')}`;
}

async function toPosts(rows: AuthorPostRow[]): Promise<Post[]> {
  return rows.map(({ parentId: _parentId, ...post }) => post);
}
