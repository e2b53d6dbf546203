import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/**
 * What the fuzzer aims at, read from the schema alone so that a new field or argument is
 * fuzzed without editing the test: every root field (query, mutation, subscription), and every
 * field with arguments below Query (User.posts(after:), Post.comments(after:) ...), each
 * reached by its shortest path from a Query field.
 */
export type OperationKind = 'query' | 'mutation' | 'subscription';

export type AnyField = GraphQLField<unknown, unknown>;

export interface PathStep {
  field: AnyField;
  /** the inline fragment's type condition when the parent type is abstract (node(id:) { ... on User }) */
  on?: string;
}

export interface Target {
  kind: OperationKind;
  /** the fuzzed field's schema coordinate, e.g. 'Mutation.editPost' or 'Post.comments' */
  coordinate: string;
  /** from the root field down to the fuzzed field, which is last */
  path: PathStep[];
}

export function fuzzTargets(schema: GraphQLSchema): Target[] {
  return [...rootTargets(schema), ...nestedTargets(schema)];
}

export function rootTypes(schema: GraphQLSchema): [OperationKind, GraphQLObjectType][] {
  const roots: [OperationKind, GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  return roots.filter((root): root is [OperationKind, GraphQLObjectType] => Boolean(root[1]));
}

function rootTargets(schema: GraphQLSchema): Target[] {
  return rootTypes(schema).flatMap(([kind, type]) =>
    Object.values(type.getFields()).map((field) => ({
      kind,
      coordinate: `${type.name}.${field.name}`,
      path: [{ field }],
    })),
  );
}

function nestedTargets(schema: GraphQLSchema): Target[] {
  const query = schema.getQueryType();
  if (!query) return [];
  const found = new Map<string, PathStep[]>();
  // A path through an abstract type (node(id:) { ... on User { posts } }) only resolves when the
  // id happens to be of that type, so it is used only for fields no concrete path reaches.
  for (const throughAbstract of [false, true]) breadthFirst(schema, query, throughAbstract, found);
  return [...found].map(([coordinate, path]) => ({ kind: 'query', coordinate, path }));
}

function breadthFirst(
  schema: GraphQLSchema,
  query: GraphQLObjectType,
  throughAbstract: boolean,
  found: Map<string, PathStep[]>,
): void {
  const expanded = new Set<string>([query.name]);
  let frontier: PathStep[][] = Object.values(query.getFields()).map((field) => [{ field }]);
  while (frontier.length > 0) {
    const next: PathStep[][] = [];
    for (const path of frontier) {
      for (const [on, type] of selectableTypes(
        schema,
        getNamedType(path.at(-1)!.field.type),
        throughAbstract,
      )) {
        if (expanded.has(type.name)) continue;
        expanded.add(type.name);
        for (const field of Object.values(type.getFields())) {
          const step: PathStep = on ? { field, on } : { field };
          const coordinate = `${type.name}.${field.name}`;
          if (field.args.length > 0 && !found.has(coordinate)) found.set(coordinate, [...path, step]);
          next.push([...path, step]);
        }
      }
    }
    frontier = next;
  }
}

/** The object types whose fields can be selected below a field of type `named`. */
function selectableTypes(
  schema: GraphQLSchema,
  named: GraphQLNamedType,
  throughAbstract: boolean,
): [string | undefined, GraphQLObjectType][] {
  if (isObjectType(named)) return [[undefined, named]];
  if (isAbstractType(named) && throughAbstract) {
    return schema.getPossibleTypes(named).map((type) => [type.name, type]);
  }
  return [];
}

/**
 * The selection set for a field's result: every leaf field, and the object fields below down
 * to `depth`, so that output serialization sees whatever the fuzzed input stored. Fields with
 * arguments are left out: each is a target of its own, and resolving them all would slow every
 * case down. '' for a leaf type.
 */
export function selectionFor(schema: GraphQLSchema, named: GraphQLNamedType, depth: number): string {
  if (isLeafType(named)) return '';
  const parts = ['__typename'];
  if (isObjectType(named) || isInterfaceType(named)) {
    for (const field of Object.values(named.getFields())) {
      if (field.args.length > 0) continue;
      const type = getNamedType(field.type);
      if (isLeafType(type)) parts.push(field.name);
      else if (depth > 0) parts.push(`${field.name} ${selectionFor(schema, type, depth - 1)}`);
    }
  }
  if (isAbstractType(named) && depth > 0) {
    for (const type of schema.getPossibleTypes(named)) {
      parts.push(`... on ${type.name} ${selectionFor(schema, type, depth - 1)}`);
    }
  }
  return `{ ${parts.join(' ')} }`;
}

/** A field whose type is a Relay connection (it has pageInfo { endCursor }). */
export function isConnectionField(field: AnyField): boolean {
  const type = getNamedType(field.type);
  if (!isObjectType(type)) return false;
  const pageInfo = type.getFields().pageInfo;
  if (!pageInfo) return false;
  const info = getNamedType(pageInfo.type);
  return isObjectType(info) && 'endCursor' in info.getFields();
}
