import type { Resolvers } from '../generated/graphql';
import { toGlobalId } from '../core/global-id';
import type { Media, Post } from '../generated/prisma/client';
import type { EventEnvelope } from '../realtime/event-scope';
import { newPostsForViewer } from './subscriptions';
import { postFetchedWith } from './fetched';
import { createPost, deletePost, editPost, findPost } from './service';

export const postResolvers: Resolvers = {
  Query: {
    post: (_parent, { id }, ctx, info) => findPost(ctx, id, info),
  },
  Mutation: {
    createPost: (_parent, { input }, ctx) => createPost(ctx, input),
    editPost: (_parent, { id, caption }, ctx) => editPost(ctx, id, caption),
    deletePost: (_parent, { id }, ctx) => deletePost(ctx, id),
  },
  Subscription: {
    postCreated: {
      subscribe: (_root, _args, ctx) => newPostsForViewer(ctx),
      // the payload is loaded once per event, for all its subscribers, by the realtime hub
      resolve: (envelope: EventEnvelope<Post>) => envelope.payload,
    },
  },
  // comments and likedBy/viewerHasLiked are resolved by the comments and likes domains.
  Post: {
    id: (post) => toGlobalId('Post', post.id),
    // The foreign key guarantees the author exists.
    author: (post, _args, ctx) =>
      postFetchedWith(post)?.author ?? ctx.loaders.userById.load(post.authorId).then((user) => user!),
    media: (post, _args, ctx) => postFetchedWith(post)?.media ?? ctx.loaders.mediaByPostId.load(post.id),
  },
  Media: {
    id: mediaId,
  },
};

/**
 * A photo is its post's row at a position, and nothing changes a post's media after creation
 * (editPost changes the caption only), so (post, position) names it for the post's life. The
 * ID is opaque like a Node's but not one: node(id:) resolves it to null.
 */
function mediaId(media: Pick<Media, 'postId' | 'position'>): string {
  return Buffer.from(`Media:${media.postId}:${media.position}`).toString('base64url');
}
