import type { Post, PrismaClient } from '../generated/prisma/client';
import { domainLoaders, type DataDeps } from '../core/module';
import { createChildPageLoader, lateralPage, type PageRequest } from '../core/connection';
import type { Visibility } from '../core/visibility';
import { USER_POSTS } from './keysets';
import { postColumns } from '../posts/columns';
import { carry } from '../core/fetched-with';
import type { PostFetchedWith } from '../posts/fetched';
import { MEDIA_JSON, mediaFromJson, type MediaJson } from '../posts/shown';

type AuthorPostRow = Post & { parentId: bigint; media: MediaJson };

function createFeedLoaders({ prisma, visible }: DataDeps) {
  return {
    /** key: { parentId: an author } -> a page of their posts, newest first */
    postPageByAuthorId: createChildPageLoader(USER_POSTS, authorPostsFetcher(prisma, visible), toPosts),
  };
}

export const feedLoaders = domainLoaders(createFeedLoaders, { postPageByAuthorId: 'viewer' });

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createFeedLoaders> {}
}

/**
 * One statement per batch: each author's next `fetchLimit(page)` posts via (author_id,
 * created_at, id), with their photos (a profile's grid of posts shows every post's first photo).
 */
function authorPostsFetcher(prisma: PrismaClient, visible: Visibility) {
  return (authorIds: bigint[], page: PageRequest): Promise<AuthorPostRow[]> => prisma.$queryRaw<
    AuthorPostRow[]
  >`
    SELECT parent.id AS "parentId", ${postColumns('p')}, ${MEDIA_JSON} AS media
    FROM ${lateralPage({ parentIds: authorIds, table: 'posts', alias: 'p', parentColumn: 'author_id', keyset: USER_POSTS, page, where: visible.contentOf('parent.id') })}
    ORDER BY parent.id, ${USER_POSTS.sqlOrderBy('p')}`;
}

async function toPosts(rows: AuthorPostRow[]): Promise<Post[]> {
  return rows.map(({ parentId: _parentId, media, ...post }) =>
    carry<Post, PostFetchedWith>(post, { media: mediaFromJson(media, post.id) }),
  );
}
