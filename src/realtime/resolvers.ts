import type { Resolvers } from '../generated/graphql';
import type { Comment, Post } from '../generated/prisma/client';
import type { EventEnvelope } from './event-scope';
import { newCommentsOnPost, newPostsForViewer } from './subscriptions';

/** The payload of each event is already loaded (once per event) by the hub. */
export const subscriptionResolvers: Resolvers = {
  Subscription: {
    postCreated: {
      subscribe: (_root, _args, ctx) => newPostsForViewer(ctx),
      resolve: (envelope: EventEnvelope<Post>) => envelope.payload,
    },
    commentAdded: {
      subscribe: (_root, { postId }, ctx) => newCommentsOnPost(ctx, postId),
      resolve: (envelope: EventEnvelope<Comment>) => envelope.payload,
    },
  },
};
