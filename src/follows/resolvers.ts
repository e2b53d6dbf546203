import type { Resolvers } from '../generated/graphql';
import type { UserModel } from '../users/columns';
import { perViewer } from '../core/per-viewer';
import { follow, followersOf, followingOf, followsViewer, unfollow, viewerIsFollowing } from './service';

export const followResolvers: Resolvers = {
  Mutation: {
    follow: (_parent, { userId }, ctx) => follow(ctx, userId),
    unfollow: (_parent, { userId }, ctx) => unfollow(ctx, userId),
  },
  User: {
    viewerIsFollowing: perViewer((user: UserModel, _args, ctx) => viewerIsFollowing(ctx, user), false),
    followsViewer: perViewer((user: UserModel, _args, ctx) => followsViewer(ctx, user), false),
    followers: (user, args, ctx) => followersOf(ctx, user, args),
    following: (user, args, ctx) => followingOf(ctx, user, args),
  },
};
