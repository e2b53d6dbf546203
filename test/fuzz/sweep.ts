import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isRequiredArgument,
  type GraphQLInputType,
} from 'graphql';
import type { FuzzCase, Route } from './cases';
import { forgedCursors, keysetNames } from './cursors';
import { HOSTILE_NUMBERS, sweepGlobalIds, sweepStrings } from './hostile';
import { EnumValue, type PathArgs } from './operation';
import type { Target } from './schema-walk';
import type { Position, ValueSpace } from './values';

/** Beyond PostgreSQL's and JavaScript's date ranges, for custom (DateTime-like) scalars. */
const SWEEP_DATES = [
  '-100000-01-01T00:00:00.000Z',
  '+300000-01-01T00:00:00.000Z',
  '+200000-01-01T00:00:00.000Z',
];

/**
 * The systematic part of the fuzzing: for every argument of the target, and every scalar
 * position inside it (input fields, list items), one case per class of hostile value, with
 * everything else plain. They run as fast-check examples before the random cases, so that
 * every argument meets every class on every run, whatever the seed.
 */
export function sweepCases(target: Target, values: ValueSpace, route: Route): FuzzCase[] {
  const last = target.path.length - 1;
  const cursor = values.pools.cursors.get(target.coordinate);
  return target.path[last]!.field.args.flatMap((arg, i) =>
    sweepValues(arg.type, { name: arg.name, cursor }, values).map((value) => {
      const args = plainArgs(target, values);
      args[last]![i] = { value, inline: false };
      return {
        target,
        transport: route.transport,
        identity: 'user' as const,
        envelope: route.envelopes[0],
        args,
      };
    }),
  );
}

/** The required arguments along the path, plain (fresh for each case: a username must not be taken). */
const plainArgs = (target: Target, values: ValueSpace): PathArgs =>
  target.path.map(({ field }) =>
    field.args.map((arg) =>
      isRequiredArgument(arg) ? { value: values.firstPlain(arg.type, arg.name), inline: false } : undefined,
    ),
  );

/** Forgeries of the target's own cursor, the names of the other keysets included. */
const ownForgeries = (cursor: string, values: ValueSpace): string[] =>
  forgedCursors([cursor], keysetNames([...values.pools.cursors.values()]));

/** Values of `type` with exactly one hostile leaf (or null where allowed). */
function sweepValues(type: GraphQLInputType, position: Position, values: ValueSpace): unknown[] {
  if (isNonNullType(type)) return nonNullSweep(type.ofType, position, values);
  return [null, ...nonNullSweep(type, position, values)];
}

function nonNullSweep(type: GraphQLInputType, position: Position, values: ValueSpace): unknown[] {
  if (isNonNullType(type)) return nonNullSweep(type.ofType, position, values);
  if (isListType(type)) return sweepValues(type.ofType, position, values).map((item) => [item]);
  if (isInputObjectType(type)) {
    const plain = () => values.firstPlain(type, position.name) as Record<string, unknown>;
    return Object.values(type.getFields()).flatMap((field) =>
      sweepValues(field.type, { name: field.name }, values).map((value) => ({
        ...plain(),
        [field.name]: value,
      })),
    );
  }
  if (isEnumType(type)) return [new EnumValue('NOT_A_VALUE')];
  const plain = String(values.firstPlain(type, position.name));
  const { pools } = values;
  switch (type.name) {
    case 'ID':
      return sweepGlobalIds(pools.nodeTypes, plain);
    case 'String':
      return [...(position.cursor ? ownForgeries(position.cursor, values) : []), ...sweepStrings(plain)];
    case 'Int':
    case 'Float':
      return HOSTILE_NUMBERS;
    case 'Boolean':
      return [];
    default:
      return [...SWEEP_DATES, ...sweepStrings(plain)];
  }
}
