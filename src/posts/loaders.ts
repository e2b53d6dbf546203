import type { Media, Post } from '../generated/prisma/client';
import { createListLoader, createLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';
import { bigintArray } from '../core/sql';
import { postColumns } from './columns';
import { postFetchedWith } from './fetched';
import { shownPostFromJson, shownPostJson, type ShownPostJson } from './shown';

/** A post to show on its own page, with its first `commentsFirst` comments if not null. */
export interface ShownPostKey {
  id: bigint;
  commentsFirst: number | null;
}

function createPostLoaders({ prisma, visible, viewerId }: DataDeps) {
  return {
    /**
     * Query.post: the post, if the viewer may see it, with its author, photos, the viewer's
     * like and first comments in the same statement (see shown.ts); one statement per
     * comments page size asked in the batch.
     */
    shownPostById: createLoader(
      async (keys: readonly ShownPostKey[]) => {
        const idsByFirst = new Map<number | null, bigint[]>();
        for (const { id, commentsFirst } of keys) {
          const ids = idsByFirst.get(commentsFirst);
          if (ids) ids.push(id);
          else idsByFirst.set(commentsFirst, [id]);
        }
        const pages = await Promise.all(
          [...idsByFirst].map(async ([first, ids]) => {
            const [result] = await prisma.$queryRaw<[{ posts: ShownPostJson[] | null }]>`
              SELECT json_agg(${shownPostJson(viewerId, first, visible)}) AS posts
              FROM posts p JOIN users u ON u.id = p.author_id
              WHERE p.id = ANY(${bigintArray(ids)}) AND ${visible.post('p')}`;
            return (result?.posts ?? []).map((json) => shownPostFromJson(json, first));
          }),
        );
        return pages.flat();
      },
      (post: Post) => shownPostKey(post.id, postFetchedWith(post)!.firstComments?.first ?? null),
      { cacheKey: ({ id, commentsFirst }) => shownPostKey(id, commentsFirst) },
    ),
    /** the posts the viewer may see, by id (null for the others) */
    postById: createLoader(
      (ids: readonly bigint[]) => prisma.$queryRaw<Post[]>`
        SELECT ${postColumns('p')} FROM posts p WHERE p.id = ANY(${bigintArray(ids)}) AND ${visible.post('p')}`,
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

const shownPostKey = (id: bigint, commentsFirst: number | null) => `${commentsFirst}:${id}`;

export const postLoaders = domainLoaders(createPostLoaders, {
  shownPostById: 'viewer',
  postById: 'event',
  mediaByPostId: 'event',
});

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createPostLoaders> {}
}
