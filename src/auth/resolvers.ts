import type { Resolvers } from '../generated/graphql';
import { changePassword, logIn, logOut, signUp } from './service';

export const authResolvers: Resolvers = {
  Mutation: {
    signUp: (_parent, { input }, ctx) => signUp(ctx, input),
    logIn: (_parent, { input }, ctx) => logIn(ctx, input),
    logOut: (_parent, _args, ctx) => logOut(ctx),
    changePassword: (_parent, { currentPassword, newPassword }, ctx) =>
      changePassword(ctx, currentPassword, newPassword),
  },
};
