import type { Resolvers } from '../generated/graphql';
import { authResolvers } from '../auth/resolvers';
import { commentResolvers } from '../comments/resolvers';
import { feedResolvers } from '../feed/resolvers';
import { followResolvers } from '../follows/resolvers';
import { likeResolvers } from '../likes/resolvers';
import { postResolvers } from '../posts/resolvers';
import { searchResolvers } from '../search/resolvers';
import { subscriptionResolvers } from '../realtime/resolvers';
import { userResolvers } from '../users/resolvers';
import { DateTime } from './scalars';
import { nodeResolvers } from './node';

/** Each domain contributes its resolvers; @graphql-tools merges them into one map. */
export const resolvers: Resolvers[] = [
  { DateTime },
  nodeResolvers,
  authResolvers,
  userResolvers,
  postResolvers,
  commentResolvers,
  likeResolvers,
  followResolvers,
  feedResolvers,
  searchResolvers,
  subscriptionResolvers,
];
