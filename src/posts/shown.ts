import type { GraphQLResolveInfo } from 'graphql';
import { Prisma, type Media, type Post } from '../generated/prisma/client';
import { firstCommentsJson, firstCommentsPage, type CommentJson } from '../comments/loaders';
import { carry } from '../core/fetched-with';
import { isPageSize } from '../core/connection';
import { argsAhead, type AheadPath } from '../core/lookahead';
import type { Visibility } from '../core/visibility';
import { userFromJson, userJson, userShapeAhead, type UserJson, type UserShape } from '../users/columns';
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
 * How much of each user a shown post carries (see UserShape): its author, and its comments'
 * authors. FULL_USERS serves any operation.
 */
export interface ShownUsers {
  author: UserShape;
  commentAuthor: UserShape;
}

export const FULL_USERS: ShownUsers = { author: 'full', commentAuthor: 'full' };

/**
 * The ShownPostJson of the post `p` written by the user `u` (both must be in the statement's
 * FROM), for `viewerId`, with the first `commentsFirst` comments if not null, its users as
 * `users` says.
 */
export function shownPostJson(
  viewerId: bigint | null,
  commentsFirst: number | null,
  visible: Visibility,
  users: ShownUsers = FULL_USERS,
): Prisma.Sql {
  return Prisma.sql`json_build_array(p.id::text, p.author_id::text, p.caption, p.created_at,
    p.edited_at, p.like_count, p.comment_count, ${userJson('u', users.author)},
    ${MEDIA_JSON},
    ${viewerId === null ? Prisma.sql`false` : Prisma.sql`EXISTS (SELECT 1 FROM likes l WHERE l.user_id = ${viewerId} AND l.post_id = p.id)`},
    ${commentsFirst === null ? Prisma.sql`NULL` : firstCommentsJson('p', commentsFirst, visible, users.commentAuthor)})`;
}

/**
 * The photos of the post `p`, in order, as one JSON array of MediaJson arrays (values by
 * position, as userJson: a feed page carries about 50 photos, and their keys were a third of
 * their JSON).
 */
export const MEDIA_JSON = Prisma.sql`coalesce((
  SELECT json_agg(json_build_array(m.position, m.url, m.alt_text, m.width, m.height, m.asset_key,
                                   m.blurhash, m.variants) ORDER BY m.position)
  FROM post_media m WHERE m.post_id = p.id
), '[]')`;

export type MediaJson = [
  position: number,
  url: string,
  altText: string | null,
  width: number | null,
  height: number | null,
  assetKey: string | null,
  blurhash: string | null,
  variants: Media['variants'],
][];

/** The photos of MEDIA_JSON, as the rows of post `postId`. */
export function mediaFromJson(media: MediaJson, postId: bigint): Media[] {
  return media.map(([position, url, altText, width, height, assetKey, blurhash, variants]) => ({
    postId,
    position,
    url,
    altText,
    width,
    height,
    assetKey,
    blurhash,
    variants,
  }));
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
        ? { first: commentsFirst, page: firstCommentsPage(comments, commentsFirst, post.id) }
        : null,
  });
}

/**
 * The `first` of the comments page the posts under `info` will ask for (`path` leads from the
 * field to Post.comments), when every selection of Post.comments there asks for the same first
 * page; null otherwise (each then goes through the comments loader as usual). An out-of-range
 * `first` is left to that loader to refuse.
 */
export function commentsPageAhead(info: GraphQLResolveInfo, path: AheadPath): number | null {
  const asked = argsAhead(info, path);
  const first = asked[0]?.first;
  const samePage = asked.every((args) => args.after == null && args.first === first);
  return samePage && isPageSize(first) ? first : null;
}

/**
 * The users the posts under `info` need (`path` leads from the field to Post): cards when every
 * selection of their authors, and of their comments' authors, asks only what a card answers.
 */
export function shownUsersAhead(info: GraphQLResolveInfo, path: AheadPath): ShownUsers {
  return {
    author: userShapeAhead(info, [...path, ['Post', 'author']]),
    commentAuthor: userShapeAhead(info, [
      ...path,
      ['Post', 'comments'],
      ['CommentConnection', 'edges'],
      ['CommentEdge', 'node'],
      ['Comment', 'author'],
    ]),
  };
}
