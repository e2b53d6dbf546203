import type { Resolvers } from '../generated/graphql';
import { follow, followersOf, followingOf, followsViewer, unfollow, viewerIsFollowing } from './service';

export const followResolvers: Resolvers = {
  Mutation: {
    follow: (_parent, { userId }, ctx) => follow(ctx, userId),
    unfollow: (_parent, { userId }, ctx) => unfollow(ctx, userId),
  },
  User: {
    viewerIsFollowing: (user, _args, ctx) => viewerIsFollowing(ctx, user),
    followsViewer: (user, _args, ctx) => followsViewer(ctx, user),
    followers: (user, args, ctx) => followersOf(ctx, user, args),
    following: (user, args, ctx) => followingOf(ctx, user, args),
  },
};
