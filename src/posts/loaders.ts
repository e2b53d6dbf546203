import type { Media, Post } from '../generated/prisma/client';
import { createListLoader, createLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';
import { bigintArray } from '../core/sql';
import { postColumns } from './columns';
import { shownPostFromJson, shownPostJson, type ShownPostJson, type ShownUsers } from './shown';

/**
 * A post to show on its own page, with its first `commentsFirst` comments if not null, its
 * users as `users` says.
 */
export interface ShownPostKey {
  id: bigint;
  commentsFirst: number | null;
  users: ShownUsers;
}

/** A shown post, under the key it was fetched for. */
interface ShownPostRow {
  key: string;
  post: Post;
}

function createPostLoaders({ prisma, visible, viewerId }: DataDeps) {
  return {
    /**
     * Query.post: the post, if the viewer may see it, with its author, photos, the viewer's
     * like and first comments in the same statement (see shown.ts); one statement per
     * comments page size and users' shape asked in the batch.
     */
    shownPostById: createLoader(
      async (keys: readonly ShownPostKey[]): Promise<ShownPostRow[]> => {
        const groups = new Map<string, { commentsFirst: number | null; users: ShownUsers; ids: bigint[] }>();
        for (const { id, commentsFirst, users } of keys) {
          const group = shownPostGroup(commentsFirst, users);
          const ids = groups.get(group)?.ids;
          if (ids) ids.push(id);
          else groups.set(group, { commentsFirst, users, ids: [id] });
        }
        const pages = await Promise.all(
          [...groups].map(async ([group, { commentsFirst, users, ids }]) => {
            const [result] = await prisma.$queryRaw<[{ posts: ShownPostJson[] | null }]>`
              SELECT json_agg(${shownPostJson(viewerId, commentsFirst, visible, users)}) AS posts
              FROM posts p JOIN users u ON u.id = p.author_id
              WHERE p.id = ANY(${bigintArray(ids)}) AND ${visible.post('p')}`;
            return (result?.posts ?? []).map((json) => {
              const post = shownPostFromJson(json, commentsFirst);
              return { key: `${group}:${post.id}`, post };
            });
          }),
        );
        return pages.flat();
      },
      (row: ShownPostRow) => row.key,
      { cacheKey: ({ id, commentsFirst, users }) => `${shownPostGroup(commentsFirst, users)}:${id}` },
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

/** The posts of a batch fetched by one statement. */
const shownPostGroup = (commentsFirst: number | null, users: ShownUsers) =>
  `${commentsFirst}:${users.author}:${users.commentAuthor}`;

export const postLoaders = domainLoaders(createPostLoaders, {
  shownPostById: 'viewer',
  postById: 'event',
  mediaByPostId: 'event',
});

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createPostLoaders> {}
}
