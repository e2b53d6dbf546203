import type { Resolvers } from '../generated/graphql';
import type { UserModel } from '../users/columns';
import { perViewer } from '../core/per-viewer';
import { toGlobalId } from '../core/global-id';
import {
  acceptFollowRequest,
  declineFollowRequest,
  follow,
  followersOf,
  followingOf,
  followRequests,
  followsViewer,
  removeFollower,
  requester,
  unfollow,
  viewerHasRequestedFollow,
  viewerIsFollowing,
} from './service';

export const followResolvers: Resolvers = {
  Query: {
    followRequests: (_parent, args, ctx) => followRequests(ctx, args),
  },
  Mutation: {
    follow: (_parent, { userId }, ctx) => follow(ctx, userId),
    unfollow: (_parent, { userId }, ctx) => unfollow(ctx, userId),
    acceptFollowRequest: (_parent, { id }, ctx) => acceptFollowRequest(ctx, id),
    declineFollowRequest: (_parent, { id }, ctx) => declineFollowRequest(ctx, id),
    removeFollower: (_parent, { userId }, ctx) => removeFollower(ctx, userId),
  },
  FollowRequest: {
    id: (request) => toGlobalId('FollowRequest', request.id),
    from: (request, _args, ctx) => requester(ctx, request),
  },
  User: {
    viewerIsFollowing: perViewer((user: UserModel, _args, ctx) => viewerIsFollowing(ctx, user), false),
    followsViewer: perViewer((user: UserModel, _args, ctx) => followsViewer(ctx, user), false),
    viewerHasRequestedFollow: perViewer(
      (user: UserModel, _args, ctx) => viewerHasRequestedFollow(ctx, user),
      false,
    ),
    followers: (user, args, ctx) => followersOf(ctx, user, args),
    following: (user, args, ctx) => followingOf(ctx, user, args),
  },
};
