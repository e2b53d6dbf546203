import fc from 'fast-check';
import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLScalarType,
} from 'graphql';
import { forgedCursors, keysetNames, randomForgedCursor } from './cursors';
import { forgedGlobalId, hostileNumber, hostileString } from './hostile';
import { EnumValue } from './operation';
import { plainScalar, plainScalars, type Pools } from './plain';

/** Where a value goes: the argument's or input field's name, and the target connection's own cursor. */
export interface Position {
  name: string;
  /** a real cursor of the fuzzed field, when it is a connection: its forgeries come first */
  cursor?: string;
}

export interface ValueSpace {
  readonly pools: Pools;
  /** valid-looking values only: for arguments on the way to the fuzzed field */
  plain(type: GraphQLInputType, name: string): fc.Arbitrary<unknown>;
  /** the most plain value of a type: the sweep's background (see sweep.ts) */
  firstPlain(type: GraphQLInputType, name: string): unknown;
  /** hostile, plain, null where allowed, and now and then a value of another type */
  fuzz(type: GraphQLInputType, position: Position): fc.Arbitrary<unknown>;
}

/** Input objects nest at most this deep in generated values (a guard against recursive inputs). */
const MAX_INPUT_DEPTH = 3;

export function valueSpace(pools: Pools): ValueSpace {
  const allCursors = forgedCursors([...pools.cursors.values()]);
  const names = keysetNames([...pools.cursors.values()]);
  /** The forgeries of one real cursor, systematic and random. */
  const ownCursors = (cursor: string): fc.Arbitrary<string> =>
    fc.oneof(fc.constantFrom(...forgedCursors([cursor], names)), randomForgedCursor([cursor]));
  const forgedId = forgedGlobalId(pools.nodeTypes, pools.ids);

  const scalar = (type: GraphQLScalarType, position: Position): fc.Arbitrary<unknown> => {
    const near = plainScalars(type, position.name, pools).map(String);
    switch (type.name) {
      case 'ID':
        return fc.oneof({ arbitrary: forgedId, weight: 3 }, { arbitrary: hostileString(near), weight: 1 });
      case 'String':
        return fc.oneof(
          ...(position.cursor ? [{ arbitrary: ownCursors(position.cursor), weight: 4 }] : []),
          { arbitrary: hostileString(near), weight: 4 },
          { arbitrary: fc.constantFrom(...allCursors), weight: 1 },
          { arbitrary: forgedId, weight: 1 },
        );
      case 'Int':
      case 'Float':
        return hostileNumber();
      case 'Boolean':
        return fc.boolean();
      default:
        return fc.oneof(hostileString(near), fc.constantFrom(...allCursors), hostileNumber());
    }
  };

  const plain = (type: GraphQLInputType, name: string, depth = 0): fc.Arbitrary<unknown> => {
    if (isNonNullType(type)) return plain(type.ofType, name, depth);
    if (isListType(type)) return fc.array(plain(type.ofType, name, depth), { minLength: 1, maxLength: 2 });
    if (isInputObjectType(type)) {
      return inputObject(type, depth, (fieldType, fieldName, d) => plain(fieldType, fieldName, d));
    }
    return plainScalar(type, name, pools);
  };

  const typed = (type: GraphQLInputType, position: Position, depth: number): fc.Arbitrary<unknown> => {
    if (isNonNullType(type)) return typed(type.ofType, position, depth);
    if (isListType(type)) {
      const item = fuzz(type.ofType, position, depth);
      return fc.oneof(
        fc.array(item, { maxLength: 3 }),
        item, // a single value where a list is expected: GraphQL coerces it to a one-item list
        fc.array(plain(type.ofType, position.name, depth), { minLength: 11, maxLength: 12 }),
      );
    }
    if (isInputObjectType(type)) {
      const record = inputObject(type, depth, (fieldType, name, d) => fuzz(fieldType, { name }, d));
      // An unknown field, deeply nested: variable coercion must refuse it, not recurse into trouble.
      return fc.oneof(
        record,
        fc.tuple(record, deepObject()).map(([r, deep]) => ({ ...(r as object), deep })),
      );
    }
    if (isEnumType(type)) {
      return fc.constantFrom(...plainScalars(type, '', pools), new EnumValue('NOT_A_VALUE'));
    }
    return scalar(type, position);
  };

  const fuzz = (type: GraphQLInputType, position: Position, depth = 0): fc.Arbitrary<unknown> => {
    const choices = [
      { arbitrary: plain(type, position.name, depth), weight: 2 },
      { arbitrary: typed(type, position, depth), weight: 8 },
      { arbitrary: junk(pools), weight: 1 },
    ];
    if (!isNonNullType(type)) choices.push({ arbitrary: fc.constant(null), weight: 1 });
    // Cross-shrinking leaves an argument that does not matter to a failure at a plain value.
    return fc.oneof({ withCrossShrink: true }, ...choices);
  };

  const firstPlain = (type: GraphQLInputType, name: string): unknown => {
    if (isNonNullType(type)) return firstPlain(type.ofType, name);
    if (isListType(type)) return [firstPlain(type.ofType, name)];
    if (isInputObjectType(type)) {
      const required = Object.values(type.getFields()).filter((f) => isNonNullType(f.type));
      return Object.fromEntries(required.map((f) => [f.name, firstPlain(f.type, f.name)]));
    }
    return plainScalars(type, name, pools)[0];
  };

  return {
    pools,
    plain: (type, name) => plain(type, name),
    firstPlain,
    fuzz: (type, position) => fuzz(type, position),
  };
}

function inputObject(
  type: GraphQLInputObjectType,
  depth: number,
  valueOf: (type: GraphQLInputType, name: string, depth: number) => fc.Arbitrary<unknown>,
): fc.Arbitrary<unknown> {
  if (depth >= MAX_INPUT_DEPTH) return fc.constant(null);
  const fields = Object.values(type.getFields());
  const model = Object.fromEntries(fields.map((f) => [f.name, valueOf(f.type, f.name, depth + 1)]));
  const requiredKeys = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
  return fc.record(model, { requiredKeys });
}

/** A value of the wrong kind for any position: another scalar, a deep object or list. */
function junk(pools: Pools): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostileString(pools.usernames),
    hostileNumber(),
    fc.boolean(),
    deepObject(),
    fc.constantFrom(30, 300).map((depth) => nest(depth, (inner) => [inner], 1)),
  );
}

const deepObject = (): fc.Arbitrary<unknown> =>
  fc.constantFrom(30, 300).map((depth) => nest(depth, (inner) => ({ a: inner }), 1));

function nest(depth: number, wrap: (inner: unknown) => unknown, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}
