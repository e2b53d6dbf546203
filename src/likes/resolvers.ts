import type { Resolvers } from '../generated/graphql';
import type { Post } from '../generated/prisma/client';
import { perViewer } from '../core/per-viewer';
import { postFetchedWith } from '../posts/fetched';
import { likePost, unlikePost } from './service';

export const likeResolvers: Resolvers = {
  Mutation: {
    likePost: (_parent, { postId }, ctx) => likePost(ctx, postId),
    unlikePost: (_parent, { postId }, ctx) => unlikePost(ctx, postId),
  },
  Post: {
    viewerHasLiked: perViewer(
      (post: Post, _args, ctx) =>
        postFetchedWith(post)?.viewerHasLiked ?? ctx.loaders.viewerHasLikedByPostId?.load(post.id) ?? false,
      false,
    ),
    likedBy: (post, { first, after }, ctx) =>
      ctx.loaders.likerPageByPostId.load({ parentId: post.id, first, after }),
  },
};
