import { getNamedType, isRequiredArgument } from 'graphql';
import { buildOperation, type ArgChoice, type PathArgs } from './operation';
import { isConnectionField, type Target } from './schema-walk';
import { plainScalars } from './plain';
import type { World } from './world';

/** At most this many argument combinations are tried per connection. */
const MAX_TRIES = 64;

/**
 * One real cursor of every connection reachable from Query, as the templates that forged
 * cursors are made from: each connection is asked for its first page with the required
 * arguments of its path taken from the plain pools, until one combination gives an endCursor.
 * `missing` names the connections that gave none (the world needs a row for them).
 */
export async function harvestCursors(
  world: World,
  targets: readonly Target[],
): Promise<{ cursors: Map<string, string>; missing: string[] }> {
  const cursors = new Map<string, string>();
  const connections = targets.filter((t) => t.kind === 'query' && isConnectionField(t.path.at(-1)!.field));
  for (const target of connections) {
    for (const args of argumentCombinations(world, target).slice(0, MAX_TRIES)) {
      const cursor = await endCursorOf(world, target, args);
      if (cursor === null) continue;
      cursors.set(target.coordinate, cursor);
      break;
    }
  }
  return { cursors, missing: connections.map((t) => t.coordinate).filter((c) => !cursors.has(c)) };
}

async function endCursorOf(world: World, target: Target, args: PathArgs): Promise<string | null> {
  const { query, variables } = buildOperation(world.schema, target, args, '{ pageInfo { endCursor } }');
  const res = await world.app.gql(query, variables, { token: world.token() });
  let node: any = res.data;
  for (const step of target.path) node = node?.[step.field.name];
  const cursor: unknown = node?.pageInfo?.endCursor;
  return typeof cursor === 'string' ? cursor : null;
}

/** Every combination of plain values for the required arguments along the path (others left out). */
function argumentCombinations(world: World, target: Target): PathArgs[] {
  let combinations: PathArgs[] = [[]];
  for (const { field } of target.path) {
    const perArgument: (ArgChoice | undefined)[][] = field.args.map((arg) =>
      isRequiredArgument(arg)
        ? plainScalars(getNamedType(arg.type), arg.name, world.pools).map((value) => ({
            value,
            inline: false,
          }))
        : [undefined],
    );
    const forStep = perArgument.reduce<(ArgChoice | undefined)[][]>(
      (acc, options) => acc.flatMap((prefix) => options.map((option) => [...prefix, option])),
      [[]],
    );
    combinations = combinations.flatMap((prefix) => forStep.map((step) => [...prefix, step]));
  }
  return combinations;
}
