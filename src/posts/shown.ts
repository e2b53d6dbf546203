import type { GraphQLResolveInfo } from 'graphql';
import { Prisma, type Media, type Post } from '../generated/prisma/client';
import { firstCommentsJson, firstCommentsPage, type CommentJson } from '../comments/loaders';
import { carry } from '../core/fetched-with';
import { isPageSize } from '../core/connection';
import { argsAhead } from '../core/lookahead';
import type { Visibility } from '../core/visibility';
import { userFromJson, userJson, type UserJson } from '../users/columns';
import type { PostFetchedWith } from './fetched';

/**
 * A post as a screen shows it, in one JSON array (values by position): the post's columns (ids
 * as text, JSON numbers stop being exact at 2^53), its author, photos, the viewer's like and,
 * when asked ahead, its first comments. A feed page or a post's own page always shows the
 * author, photos and like button, so the statement that picks the posts returns them, carried
 * by each post for its field resolvers: no round trip per field (bench: the feed went from 6
 * statements per request to 2, the post detail from 7 to 3). One native JSON.parse of the
 * value costs less than turning ~25 columns per post into values in Prisma's and pg's
 * JavaScript (bench:ab: server CPU per feed request 0.84x).
 */
export type ShownPostJson = [
  id: string,
  authorId: string,
  caption: string,
  createdAt: string,
  editedAt: string | null,
  likeCount: number,
  commentCount: number,
  author: UserJson,
  media: MediaJson,
  viewerHasLiked: boolean,
  comments: CommentJson[] | null,
];

/**
 * The ShownPostJson of the post `p` written by the user `u` (both must be in the statement's
 * FROM), for `viewerId`, with the first `commentsFirst` comments if not null.
 */
export function shownPostJson(
  viewerId: bigint | null,
  commentsFirst: number | null,
  visible: Visibility,
): Prisma.Sql {
  return Prisma.sql`json_build_array(p.id::text, p.author_id::text, p.caption, p.created_at,
    p.edited_at, p.like_count, p.comment_count, ${userJson('u')},
    ${MEDIA_JSON},
    ${viewerId === null ? Prisma.sql`false` : Prisma.sql`EXISTS (SELECT 1 FROM likes l WHERE l.user_id = ${viewerId} AND l.post_id = p.id)`},
    ${commentsFirst === null ? Prisma.sql`NULL` : firstCommentsJson('p', commentsFirst, visible)})`;
}

/**
 * The photos of the post `p`, in order, as one JSON array of objects (without their postId,
 * which `mediaFromJson` puts back).
 */
export const MEDIA_JSON = Prisma.sql`coalesce((
  SELECT json_agg(json_build_object('position', m.position, 'url', m.url, 'altText', m.alt_text,
                                    'width', m.width, 'height', m.height, 'assetKey', m.asset_key,
                                    'blurhash', m.blurhash, 'variants', m.variants) ORDER BY m.position)
  FROM post_media m WHERE m.post_id = p.id
), '[]')`;

export type MediaJson = Omit<Media, 'postId'>[];

/** The photos of MEDIA_JSON, as the rows of post `postId`. */
export function mediaFromJson(media: MediaJson, postId: bigint): Media[] {
  for (const m of media) (m as Media).postId = postId;
  return media as Media[];
}

/** The post of a ShownPostJson, carrying its author, media, the viewer's like and first comments. */
export function shownPostFromJson(json: ShownPostJson, commentsFirst: number | null): Post {
  const [
    id,
    authorId,
    caption,
    createdAt,
    editedAt,
    likeCount,
    commentCount,
    author,
    media,
    liked,
    comments,
  ] = json;
  const post: Post = {
    id: BigInt(id),
    authorId: BigInt(authorId),
    caption,
    createdAt: new Date(createdAt),
    editedAt: editedAt === null ? null : new Date(editedAt),
    likeCount,
    commentCount,
  };
  return carry<Post, PostFetchedWith>(post, {
    author: userFromJson(author),
    media: mediaFromJson(media, post.id),
    viewerHasLiked: liked,
    firstComments:
      commentsFirst !== null && comments
        ? { first: commentsFirst, page: firstCommentsPage(comments, commentsFirst) }
        : null,
  });
}

/**
 * The `first` of the comments page the posts under `info` will ask for (`path` leads from the
 * field to Post.comments), when every selection of Post.comments there asks for the same first
 * page; null otherwise (each then goes through the comments loader as usual). An out-of-range
 * `first` is left to that loader to refuse.
 */
export function commentsPageAhead(
  info: GraphQLResolveInfo,
  path: readonly (readonly [type: string, field: string])[],
): number | null {
  const asked = argsAhead(info, path);
  const first = asked[0]?.first;
  const samePage = asked.every((args) => args.after == null && args.first === first);
  return samePage && isPageSize(first) ? first : null;
}
