import type { Resolvers } from '../generated/graphql';
import { createUpload } from './service';
import { largestUrlOf, variantsOf } from './urls';

export const mediaResolvers: Resolvers = {
  Mutation: {
    createUpload: (_parent, { input }, ctx) => createUpload(ctx, input),
  },
  Media: {
    url: (media, _args, ctx) => largestUrlOf(ctx, media) ?? media.url,
    blurhash: (media) => media.blurhash ?? null,
    variants: (media, _args, ctx) => variantsOf(ctx, media),
  },
  User: {
    avatarUrl: (user, _args, ctx) =>
      largestUrlOf(ctx, { assetKey: user.avatarKey, variants: user.avatarVariants }) ?? user.avatarUrl,
    avatar: (user, _args, ctx) => {
      const picture = { assetKey: user.avatarKey, variants: user.avatarVariants };
      const variants = variantsOf(ctx, picture);
      const largest = variants.at(-1);
      if (!user.avatarKey || !largest) return null;
      // An avatar is shown through the same Media type as a post's photos.
      return {
        postId: 0n,
        position: 0,
        url: largest.url,
        altText: null,
        width: largest.width,
        height: largest.height,
        assetKey: user.avatarKey,
        blurhash: user.avatarBlurhash,
        variants: user.avatarVariants,
      };
    },
  },
};
