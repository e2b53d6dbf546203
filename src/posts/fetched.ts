import type { Comment, Media, Post } from '../generated/prisma/client';
import type { UserModel } from '../users/columns';
import type { Connection } from '../core/connection';
import { fetchedWith } from '../core/fetched-with';

/**
 * What a post row may carry from the statement that fetched it (see core/fetched-with.ts): a
 * feed page or a post's own page carries all of it (posts/shown.ts), a profile's grid of posts
 * its photos only; a field whose value was not carried goes through its loader.
 */
export interface PostFetchedWith {
  author?: UserModel;
  media?: Media[];
  viewerHasLiked?: boolean;
  /** Post.comments(first: `first`) with no cursor, when the statement knew it would be asked */
  firstComments?: { first: number; page: Connection<Comment> } | null;
}

export const postFetchedWith = (post: Post): PostFetchedWith | undefined =>
  fetchedWith<PostFetchedWith>(post);
