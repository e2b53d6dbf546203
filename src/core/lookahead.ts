import type { GraphQLResolveInfo } from 'graphql';
import { parseResolveInfo, type ResolveTree } from 'graphql-parse-resolve-info';

/**
 * The arguments of every selection, under the field being resolved, at `path`: pairs of
 * (parent type, field name), one per level, e.g. PostConnection.edges, PostEdge.node,
 * Post.comments. Aliases, fragments, variables, defaults and @skip/@include are applied by
 * graphql-parse-resolve-info (PostGraphile's look-ahead), so a resolver can fetch in its own
 * statement what its children will ask for.
 */
export function argsAhead(
  info: GraphQLResolveInfo,
  path: readonly (readonly [type: string, field: string])[],
): Record<string, unknown>[] {
  const root = parseResolveInfo(info) as ResolveTree | null | undefined;
  let level: ResolveTree[] = root ? [root] : [];
  for (const [type, field] of path) {
    level = level.flatMap((tree) =>
      Object.values(tree.fieldsByTypeName[type] ?? {}).filter((child) => child.name === field),
    );
  }
  return level.map((tree) => tree.args);
}
