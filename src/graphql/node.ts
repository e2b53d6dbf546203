import type { Resolvers } from '../generated/graphql';
import type { AppContext } from '../context';
import type { Comment, Post } from '../generated/prisma/client';
import type { UserModel } from '../users/columns';
import { parseGlobalId, type NodeType } from '../shared/global-id';

/**
 * `node(id:)` for every Node type, through the same loaders as the direct fields, so it can
 * never reveal more than they do. An ID that is not one of ours resolves to null.
 */
async function loadNode(
  ctx: AppContext,
  type: NodeType,
  id: bigint,
): Promise<UserModel | Post | Comment | null> {
  switch (type) {
    case 'User':
      return ctx.loaders.userById.load(id);
    case 'Post':
      return ctx.loaders.postById.load(id);
    case 'Comment':
      return ctx.loaders.commentById.load(id);
  }
}

const TYPENAME = Symbol('typename');
type Tagged = { [TYPENAME]?: NodeType };

export const nodeResolvers: Resolvers = {
  Query: {
    node: async (_parent, { id }, ctx) => {
      const parsed = parseGlobalId(id);
      if (!parsed) return null;
      const node = await loadNode(ctx, parsed.type, parsed.id);
      // Prisma rows carry no type name: tag the row so __resolveType needs no guessing.
      return node && Object.assign({}, node, { [TYPENAME]: parsed.type });
    },
  },
  Node: {
    __resolveType: (node) => (node as Tagged)[TYPENAME] ?? null,
  },
};
