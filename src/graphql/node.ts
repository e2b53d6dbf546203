import type { Resolvers } from '../generated/graphql';
import type { AppContext } from '../core/context';
import type { DomainModule } from '../core/module';
import { parseGlobalId } from '../core/global-id';

type NodeLoader = (ctx: AppContext, id: bigint) => Promise<object | null>;

const TYPENAME = Symbol('typename');
type Tagged = { [TYPENAME]?: string };

/**
 * `node(id:)` for every Node type a domain owns, through the same loaders as the direct fields,
 * so it can never reveal more than they do. An ID that is not one of ours resolves to null.
 */
export function nodeResolvers(modules: readonly DomainModule[]): Resolvers {
  const loaders = new Map<string, NodeLoader>(
    modules.flatMap((module) => Object.entries(module.nodes ?? {}) as [string, NodeLoader][]),
  );
  return {
    Query: {
      node: async (_parent, { id }, ctx) => {
        const parsed = parseGlobalId(id);
        const load = parsed && loaders.get(parsed.type);
        if (!parsed || !load) return null;
        const node = await load(ctx, parsed.id);
        // Rows carry no type name: tag the row so __resolveType needs no guessing.
        return node && (Object.assign({}, node, { [TYPENAME]: parsed.type }) as never);
      },
    },
    Node: {
      __resolveType: (node) => ((node as Tagged)[TYPENAME] as never) ?? null,
    },
  };
}
