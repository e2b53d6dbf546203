import type { Resolvers } from '../generated/graphql';
import { toGlobalId } from '../core/global-id';
import { findHashtag, searchHashtags, trendingHashtags } from './service';

export const discoveryResolvers: Resolvers = {
  Query: {
    hashtag: (_parent, { name }, ctx) => findHashtag(ctx, name),
    searchHashtags: (_parent, { query, ...page }, ctx) => searchHashtags(ctx, query, page),
    trendingHashtags: (_parent, { first }, ctx) => trendingHashtags(ctx, first),
  },
  Hashtag: {
    id: (hashtag) => toGlobalId('Hashtag', hashtag.id),
    postCount: async (hashtag, _args, ctx) =>
      (await ctx.loaders.visiblePostCountByHashtagId.load(hashtag.id))?.count ?? 0,
    posts: (hashtag, { first, after }, ctx) =>
      ctx.loaders.postPageByHashtagId.load({ parentId: hashtag.id, first, after }),
  },
  Post: {
    hashtags: (post, _args, ctx) => ctx.loaders.hashtagsByPostId.load(post.id),
    mentions: async (post, _args, ctx) =>
      (await ctx.loaders.mentionsByPostId.load(post.id)).map((mention) => mention.user),
  },
  Comment: {
    mentions: async (comment, _args, ctx) =>
      (await ctx.loaders.mentionsByCommentId.load(comment.id)).map((mention) => mention.user),
  },
};
