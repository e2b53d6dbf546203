import type { Resolvers } from '../generated/graphql';
import { searchUsers } from './service';

export const searchResolvers: Resolvers = {
  Query: {
    searchUsers: (_parent, { query, ...page }, ctx) => searchUsers(ctx, query, page),
  },
};
