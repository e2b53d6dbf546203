import type { Resolvers } from '../generated/graphql';
import { postFetchedWith } from '../posts/fetched';
import { fetchedWith } from '../core/fetched-with';
import { toGlobalId } from '../core/global-id';
import type { Comment } from '../generated/prisma/client';
import type { EventEnvelope } from '../realtime/event-scope';
import { newCommentsOnPost } from './subscriptions';
import type { CommentFetchedWith } from './loaders';
import { addComment, deleteComment } from './service';

export const commentResolvers: Resolvers = {
  Mutation: {
    addComment: (_parent, { input }, ctx) => addComment(ctx, input),
    deleteComment: (_parent, { id }, ctx) => deleteComment(ctx, id),
  },
  Subscription: {
    commentAdded: {
      subscribe: (_root, { postId }, ctx) => newCommentsOnPost(ctx, postId),
      // the payload is loaded once per event, for all its subscribers, by the realtime hub
      resolve: (envelope: EventEnvelope<Comment>) => envelope.payload,
    },
  },
  Post: {
    comments: (post, { first, after }, ctx) => {
      const fetched = postFetchedWith(post)?.firstComments;
      if (fetched && after == null && first === fetched.first) return fetched.page;
      return ctx.loaders.commentPageByPostId.load({ parentId: post.id, first, after });
    },
  },
  // Foreign keys guarantee a comment's post and author exist.
  Comment: {
    id: (comment) => toGlobalId('Comment', comment.id),
    post: async (comment, _args, ctx) => (await ctx.loaders.postById.load(comment.postId))!,
    author: (comment, _args, ctx) =>
      fetchedWith<CommentFetchedWith>(comment)?.author ??
      ctx.loaders.userById.load(comment.authorId).then((user) => user!),
  },
};
