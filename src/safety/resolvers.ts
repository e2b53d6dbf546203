import type { Resolvers } from '../generated/graphql';
import type { UserModel } from '../users/columns';
import { perViewer } from '../core/per-viewer';
import {
  block,
  blockedUsers,
  mute,
  mutedUsers,
  report,
  unblock,
  unmute,
  viewerHasBlocked,
  viewerHasMuted,
} from './service';

export const safetyResolvers: Resolvers = {
  Query: {
    blockedUsers: (_parent, args, ctx) => blockedUsers(ctx, args),
    mutedUsers: (_parent, args, ctx) => mutedUsers(ctx, args),
  },
  Mutation: {
    block: (_parent, { userId }, ctx) => block(ctx, userId),
    unblock: (_parent, { userId }, ctx) => unblock(ctx, userId),
    mute: (_parent, { userId }, ctx) => mute(ctx, userId),
    unmute: (_parent, { userId }, ctx) => unmute(ctx, userId),
    report: (_parent, { input }, ctx) => report(ctx, input),
  },
  User: {
    viewerHasBlocked: perViewer((user: UserModel, _args, ctx) => viewerHasBlocked(ctx, user), false),
    viewerHasMuted: perViewer((user: UserModel, _args, ctx) => viewerHasMuted(ctx, user), false),
  },
};
