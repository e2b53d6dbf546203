import { visit, type ASTNode, type FieldNode, type GraphQLResolveInfo } from 'graphql';
import { parseResolveInfo, type ResolveTree } from 'graphql-parse-resolve-info';

/**
 * The arguments (shared: read them, do not change them) of every selection, under the field being resolved, at `path`: pairs of
 * (parent type, field name), one per level, e.g. PostConnection.edges, PostEdge.node,
 * Post.comments. Aliases, fragments, variables, defaults and @skip/@include are applied by
 * graphql-parse-resolve-info (PostGraphile's look-ahead), so a resolver can fetch in its own
 * statement what its children will ask for.
 *
 * Parsing walks the whole selection (about 5% of a feed request's CPU), yet its answer depends
 * only on the document and the values of the variables used under the field. Apollo keeps each
 * parsed document, so the same field node comes back with every request of an operation: the
 * answer is kept per field node, path and those variables' values.
 */
export function argsAhead(info: GraphQLResolveInfo, path: AheadPath): Record<string, unknown>[] {
  return ahead(info, path, 'args', (trees) => trees.map((tree) => tree.args));
}

/**
 * The names of the fields (aliases resolved) that the selections at `path` ask of `type`, the
 * type the last field there returns; null when a selection there is on another type condition
 * (a fragment on an interface), which the caller cannot read as fields of `type` alone.
 */
export function fieldsAhead(
  info: GraphQLResolveInfo,
  path: AheadPath,
  type: string,
): ReadonlySet<string> | null {
  return ahead(info, path, `fields of ${type}`, (trees) => {
    const names = new Set<string>();
    for (const tree of trees) {
      for (const [onType, fields] of Object.entries(tree.fieldsByTypeName)) {
        if (onType !== type) return null;
        for (const field of Object.values(fields)) names.add(field.name);
      }
    }
    return names;
  });
}

/** Pairs of (parent type, field name), one per level below the field being resolved. */
export type AheadPath = readonly (readonly [type: string, field: string])[];

/**
 * `answer` of the selections at `path`, computed once per field node, path, question and
 * values of the variables used under the field.
 */
function ahead<T>(
  info: GraphQLResolveInfo,
  path: AheadPath,
  question: string,
  answer: (trees: ResolveTree[]) => T,
): T {
  const node = info.fieldNodes[0]!;
  let entry = answers.get(node);
  if (!entry) answers.set(node, (entry = { variables: variablesUnder(info), byKey: new Map() }));
  const key = JSON.stringify([
    question,
    path,
    entry.variables.map((name) => info.variableValues[name] ?? null),
  ]);
  if (entry.byKey.has(key)) return entry.byKey.get(key) as T;
  // Variables whose values keep changing (a client's search text, say) must not grow it.
  if (entry.byKey.size >= MAX_ANSWERS_PER_FIELD) entry.byKey.clear();
  const value = answer(treesAt(info, path));
  entry.byKey.set(key, value);
  return value;
}

const MAX_ANSWERS_PER_FIELD = 64;

const answers = new WeakMap<FieldNode, { variables: string[]; byKey: Map<string, unknown> }>();

/** The selections at `path` (one per alias or fragment that reaches it). */
function treesAt(info: GraphQLResolveInfo, path: AheadPath): ResolveTree[] {
  const root = parseResolveInfo(info) as ResolveTree | null | undefined;
  let level: ResolveTree[] = root ? [root] : [];
  for (const [type, field] of path) {
    level = level.flatMap((tree) =>
      Object.values(tree.fieldsByTypeName[type] ?? {}).filter((child) => child.name === field),
    );
  }
  return level;
}

/** Names of the variables used under the field's selections, fragments followed, sorted. */
function variablesUnder(info: GraphQLResolveInfo): string[] {
  const names = new Set<string>();
  const fragments = new Set<string>();
  const walk = (node: ASTNode) =>
    visit(node, {
      Variable: (variable) => void names.add(variable.name.value),
      FragmentSpread: (spread) => {
        const name = spread.name.value;
        const fragment = info.fragments[name];
        if (fragment && !fragments.has(name)) {
          fragments.add(name);
          walk(fragment);
        }
      },
    });
  for (const field of info.fieldNodes) {
    if (field.selectionSet) walk(field.selectionSet);
    // the field's own @skip/@include decide whether it runs at all, not what is under it
  }
  return [...names].sort();
}
