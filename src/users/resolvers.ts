import type { Resolvers } from '../generated/graphql';
import { isViewer } from '../core/viewer';
import { perViewer } from '../core/per-viewer';
import { toGlobalId } from '../core/global-id';
import type { UserModel } from './columns';
import { findByUsername, findViewer, updateProfile } from './service';

export const userResolvers: Resolvers = {
  Query: {
    viewer: (_parent, _args, ctx) => findViewer(ctx),
    user: (_parent, { username }, ctx) => findByUsername(ctx, username),
  },
  Mutation: {
    updateProfile: (_parent, { input }, ctx) => updateProfile(ctx, input),
  },
  User: {
    id: (user) => toGlobalId('User', user.id),
    isViewer: perViewer((user: UserModel, _args, ctx) => isViewer(ctx, user.id), false),
    viewerCanSeeContent: perViewer(
      (user: UserModel, _args, ctx) => ctx.loaders.viewerSeesContentOfUserId.load(user.id),
      false,
    ),
  },
};
