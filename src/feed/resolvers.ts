import type { Resolvers } from '../generated/graphql';
import { explore, feed, postsOf } from './service';

export const feedResolvers: Resolvers = {
  Query: {
    feed: (_parent, args, ctx, info) => feed(ctx, args, info),
    explore: (_parent, args, ctx) => explore(ctx, args),
  },
  User: {
    posts: (user, args, ctx) => postsOf(ctx, user, args),
  },
};
