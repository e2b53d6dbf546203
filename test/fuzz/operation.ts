import { randomUUID } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { getNamedType } from 'graphql';
import { selectionFor, type Target } from './schema-walk';

/** One argument's value, sent as a variable or written inline in the document. */
export interface ArgChoice {
  value: unknown;
  inline: boolean;
}

/** Per path step, per argument of that step's field (in schema order); undefined leaves it out. */
export type PathArgs = (ArgChoice | undefined)[][];

export interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

/** How deep below the fuzzed field the selection goes (see selectionFor). */
const SELECTION_DEPTH = 2;

/**
 * The document for one fuzz case: the target's path from the root, each argument given as a
 * variable `$vN` declared with the argument's own type, or as an inline literal.
 */
export function buildOperation(
  schema: GraphQLSchema,
  target: Target,
  args: PathArgs,
  selection = selectionFor(schema, getNamedType(target.path.at(-1)!.field.type), SELECTION_DEPTH),
): Operation {
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const argumentsOf = (step: number): string => {
    const given = target.path[step]!.field.args.flatMap((arg, i) => {
      const choice = args[step]?.[i];
      if (!choice) return [];
      if (choice.inline) return [`${arg.name}: ${literal(choice.value)}`];
      const name = `v${definitions.length}`;
      definitions.push(`$${name}: ${String(arg.type)}`);
      variables[name] = choice.value;
      return [`${arg.name}: $${name}`];
    });
    return given.length > 0 ? `(${given.join(', ')})` : '';
  };
  const fieldAt = (step: number): string => {
    const { field, on } = target.path[step]!;
    const given = argumentsOf(step);
    const below = step === target.path.length - 1 ? selection : `{ ${fieldAt(step + 1)} }`;
    const text = `${field.name}${given} ${below}`.trimEnd();
    return on ? `... on ${on} { ${text} }` : text;
  };
  const body = fieldAt(0);
  const header = definitions.length > 0 ? `(${definitions.join(', ')})` : '';
  return { query: `${target.kind} Fuzz${header} { ${body} }`, variables };
}

/** An enum value: written bare in a literal, as its name in JSON. */
export class EnumValue {
  constructor(readonly name: string) {}
  toJSON(): string {
    return this.name;
  }
}

/** A GraphQL input literal for a generated value; integers beyond 2^53 stay exact (bigint). */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof EnumValue) return value.name;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  const fields = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${literal(v)}`);
  return `{${fields.join(', ')}}`;
}

const BIGINT_MARK = `bigint-${randomUUID()}:`;

/** JSON where a bigint becomes an exact JSON number (JSON.stringify refuses bigints). */
export function toJson(value: unknown): string {
  const marked = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? `${BIGINT_MARK}${v}` : v,
  );
  return marked.replace(new RegExp(`"${BIGINT_MARK}(-?[0-9]+)"`, 'g'), '$1');
}

/** The same value with bigints as (inexact) numbers, for clients that JSON.stringify themselves. */
export function withoutBigints(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
}
