import type { Resolvers } from '../generated/graphql';
import { toGlobalId } from '../shared/global-id';
import { addComment, deleteComment } from './service';

export const commentResolvers: Resolvers = {
  Mutation: {
    addComment: (_parent, { input }, ctx) => addComment(ctx, input),
    deleteComment: (_parent, { id }, ctx) => deleteComment(ctx, id),
  },
  Post: {
    comments: (post, { first, after }, ctx) =>
      ctx.loaders.commentPageByPostId.load({ parentId: post.id, first, after }),
  },
  // Foreign keys guarantee a comment's post and author exist.
  Comment: {
    id: (comment) => toGlobalId('Comment', comment.id),
    post: async (comment, _args, ctx) => (await ctx.loaders.postById.load(comment.postId))!,
    author: async (comment, _args, ctx) => (await ctx.loaders.userById.load(comment.authorId))!,
  },
};
