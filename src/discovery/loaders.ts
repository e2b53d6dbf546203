import { Prisma, type Hashtag, type Post, type PrismaClient } from '../generated/prisma/client';
import { createChildPageLoader, keyset, lateralPage, type PageRequest } from '../core/connection';
import { rowMapping } from '../core/columns';
import { createListLoader, createLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';
import { bigintArray } from '../core/sql';
import type { Visibility } from '../core/visibility';
import { shownPostFromJson, shownPostJson, type ShownPostJson } from '../posts/shown';
import { userColumns, userFromRow, type UserModel } from '../users/columns';

export const HASHTAG_ROW = rowMapping<Hashtag>({
  id: 'id',
  name: 'name',
  postCount: 'post_count',
  createdAt: 'created_at',
} satisfies Record<keyof Hashtag, string>);

export const hashtagColumns = (alias: string) => HASHTAG_ROW.columns(alias);

/**
 * A hashtag is shown to a viewer only while a post they may see carries it (the contract:
 * hashtag(name) is null otherwise), so a tag used only by a private account is not revealed.
 */
export const withVisiblePost = (visible: Visibility, hashtagAlias: string): Prisma.Sql =>
  Prisma.sql`EXISTS (SELECT 1 FROM post_hashtags vph JOIN posts vp ON vp.id = vph.post_id
    WHERE vph.hashtag_id = ${Prisma.raw(hashtagAlias)}.id AND ${visible.post('vp')})`;

/**
 * Hashtag.posts: newest first, served by the (hashtag_id, created_at DESC, post_id DESC) index;
 * post_hashtags.created_at is the post's, so the cursor's keys are the post's (createdAt, id).
 */
export const HASHTAG_POSTS = keyset({
  name: 'Hashtag.posts',
  direction: 'desc',
  keys: [
    { field: 'createdAt', column: 'created_at', type: 'date' },
    { field: 'id', column: 'post_id', type: 'bigint' },
  ],
});

/** A hashtag page's post: its keys for the cursor, and the post as a feed shows it. */
type PostRow = { parentId: bigint; id: bigint; createdAt: Date; shown: ShownPostJson };

/**
 * One statement for a page of posts of every hashtag in the batch, each post through the read
 * policy, with its author, photos and the viewer's like (a hashtag page shows them, as a feed
 * page does: see posts/shown.ts).
 */
function fetchHashtagPages(prisma: PrismaClient, visible: Visibility, viewerId: bigint | null) {
  return (hashtagIds: bigint[], page: PageRequest): Promise<PostRow[]> => prisma.$queryRaw<PostRow[]>`
    SELECT ph.hashtag_id AS "parentId", ph.post_id AS id, ph.created_at AS "createdAt",
      ${shownPostJson(viewerId, null, visible)} AS shown
    FROM ${lateralPage({
      parentIds: hashtagIds,
      table: 'post_hashtags',
      alias: 'ph',
      parentColumn: 'hashtag_id',
      keyset: HASHTAG_POSTS,
      page,
      select: Prisma.sql`ph.hashtag_id, ph.post_id, ph.created_at`,
      where: Prisma.sql`EXISTS (SELECT 1 FROM posts vp WHERE vp.id = ph.post_id AND ${visible.post('vp')})`,
    })}
    JOIN posts p ON p.id = ph.post_id
    JOIN users u ON u.id = p.author_id
    ORDER BY ${HASHTAG_POSTS.sqlOrderBy('ph')}`;
}

const toShownPosts = async (rows: PostRow[]): Promise<Post[]> =>
  rows.map((row) => shownPostFromJson(row.shown, null));

/** The users a list of mentions names that the viewer may see, in order of first appearance. */
function fetchMentions(
  prisma: PrismaClient,
  visible: Visibility,
  table: 'post_mentions' | 'comment_mentions',
) {
  const parent = Prisma.raw(table === 'post_mentions' ? 'post_id' : 'comment_id');
  return async (ids: readonly bigint[]) => {
    const rows = await prisma.$queryRaw<(UserModel & { parentId: bigint })[]>`
      SELECT ${userColumns('u')}, m.${parent} AS "parentId"
      FROM ${Prisma.raw(table)} m JOIN users u ON u.id = m.user_id
      WHERE m.${parent} = ANY(${bigintArray(ids)}) AND ${visible.user('u')}
      ORDER BY m.${parent}, m.position`;
    return rows.map((row) => ({ parentId: row.parentId, user: userFromRow(row) }));
  };
}

function createDiscoveryLoaders({ prisma, visible, viewerId }: DataDeps) {
  return {
    /** the hashtags a post the viewer may see carries: the viewer may see each (node(id)) */
    hashtagById: createLoader(
      (ids: readonly bigint[]) => prisma.$queryRaw<Hashtag[]>`
        SELECT ${hashtagColumns('h')} FROM hashtags h
        WHERE h.id = ANY(${bigintArray(ids)}) AND ${withVisiblePost(visible, 'h')}`,
      (hashtag: Hashtag) => hashtag.id,
    ),
    /** by normalised name, the same way */
    hashtagByName: createLoader(
      (names: readonly string[]) => prisma.$queryRaw<Hashtag[]>`
        SELECT ${hashtagColumns('h')} FROM hashtags h
        WHERE h.name = ANY(${[...names]}::text[]) AND ${withVisiblePost(visible, 'h')}`,
      (hashtag: Hashtag) => hashtag.name,
    ),
    /**
     * Hashtag.postCount: the posts carrying it that the viewer may see, counted through the
     * read policy (hashtags.post_count counts every author's, private ones included).
     */
    visiblePostCountByHashtagId: createLoader(
      (ids: readonly bigint[]) => prisma.$queryRaw<{ id: bigint; count: number }[]>`
        SELECT ph.hashtag_id AS id, count(*)::int AS count
        FROM post_hashtags ph JOIN posts p ON p.id = ph.post_id
        WHERE ph.hashtag_id = ANY(${bigintArray(ids)}) AND ${visible.post('p')}
        GROUP BY ph.hashtag_id`,
      (row: { id: bigint }) => row.id,
    ),
    /** Hashtag.posts: a page of each hashtag's posts */
    postPageByHashtagId: createChildPageLoader(
      HASHTAG_POSTS,
      fetchHashtagPages(prisma, visible, viewerId),
      toShownPosts,
    ),
    /** Post.hashtags, in order of first appearance (the post was shown: so are its tags) */
    hashtagsByPostId: createListLoader(
      async (postIds: readonly bigint[]) =>
        prisma.$queryRaw<(Hashtag & { postId: bigint })[]>`
          SELECT ${hashtagColumns('h')}, ph.post_id AS "postId"
          FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id
          WHERE ph.post_id = ANY(${bigintArray(postIds)})
          ORDER BY ph.post_id, ph.position`,
      (row) => row.postId,
    ),
    /** Post.mentions: the mentioned users the viewer may see */
    mentionsByPostId: createListLoader(
      fetchMentions(prisma, visible, 'post_mentions'),
      (row) => row.parentId,
    ),
    /** Comment.mentions, the same way */
    mentionsByCommentId: createListLoader(
      fetchMentions(prisma, visible, 'comment_mentions'),
      (row) => row.parentId,
    ),
  };
}

export const discoveryLoaders = domainLoaders(createDiscoveryLoaders, {
  hashtagById: 'viewer',
  hashtagByName: 'viewer',
  visiblePostCountByHashtagId: 'viewer',
  postPageByHashtagId: 'viewer',
  hashtagsByPostId: 'event',
  mentionsByPostId: 'viewer',
  mentionsByCommentId: 'viewer',
});

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createDiscoveryLoaders> {}
}
