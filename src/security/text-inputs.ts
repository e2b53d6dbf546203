import {
  defaultFieldResolver,
  getNamedType,
  isInputObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { badUserInput } from '../core/errors';
import { isStorableText } from '../core/validate';

/**
 * Every string a client sends, in any argument of any field (query, mutation or subscription,
 * over HTTP or WebSocket), is checked here before its resolver runs, and so before any rate
 * limit budget is spent or any SQL is sent: text the database cannot store as sent is
 * BAD_USER_INPUT naming the input field. Must wrap the schema last (outermost).
 */
export function withTextChecks(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !('getFields' in type) || isInputObjectType(type)) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (!field.args.some((arg) => mayHoldText(arg.type))) continue;
      field.resolve = checkedFirst(field.resolve ?? defaultFieldResolver);
      if (field.subscribe) field.subscribe = checkedFirst(field.subscribe);
    }
  }
  return schema;
}

function checkedFirst(
  resolve: GraphQLFieldResolver<unknown, unknown>,
): GraphQLFieldResolver<unknown, unknown> {
  return (parent, args, ctx, info) => {
    for (const name in args) checkText(args[name], fieldName(name));
    return resolve(parent, args, ctx, info);
  };
}

/** `input` is the argument of every mutation's input object: its fields are named alone. */
const fieldName = (arg: string): string => (arg === 'input' ? '' : arg);

function checkText(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (!isStorableText(value)) {
      const field = path || 'input';
      const problem = value.includes('\u0000') ? 'a NUL character' : 'an unpaired UTF-16 surrogate';
      throw badUserInput(field, `${field} must be text without ${problem}.`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkText(item, `${path}.${i}`));
  } else if (value !== null && typeof value === 'object') {
    for (const key in value)
      checkText((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
  }
}

function mayHoldText(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name !== 'Int' && named.name !== 'Float' && named.name !== 'Boolean';
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => mayHoldText(f.type, seen));
}
