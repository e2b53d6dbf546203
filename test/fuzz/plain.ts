import fc from 'fast-check';
import { isEnumType, type GraphQLNamedInputType } from 'graphql';
import { EnumValue } from './operation';

/** Values that pass validation somewhere, from the data the fuzzer set up (see world.ts). */
export interface Pools {
  /** global IDs of existing rows: the fuzzing user, their post, someone else's post, a comment ... */
  ids: string[];
  /** the fuzzing user's first, then someone else's */
  usernames: string[];
  email: string;
  password: string;
  /** one real cursor per connection, by the connection field's coordinate */
  cursors: Map<string, string>;
  /** the schema's Node types, e.g. User, Post, Comment */
  nodeTypes: string[];
}

let freshNames = 0;
/** A username nobody has, so that a fuzzed signUp can get as far as its INSERT. */
const freshUsername = (): string => `fuzz_${process.pid}_${++freshNames}`;

/**
 * Plain values by argument or input-field name, so that the other values of a request pass
 * validation and the fuzzed one reaches the services and the database. A name no hint
 * matches gets any plain value of its type.
 */
const STRING_HINTS: { pattern: RegExp; values: (pools: Pools) => string[] }[] = [
  { pattern: /url/i, values: () => ['https://cdn.example.com/fuzz.jpg'] },
  { pattern: /email/i, values: (p) => [`${freshUsername()}@example.com`, p.email] },
  { pattern: /password/i, values: (p) => [p.password, 'another horse battery'] },
  // hashtag(name:): the tag the world's posts carry
  { pattern: /^name$/i, values: () => ['#fuzz'] },
  { pattern: /^username$/i, values: (p) => [freshUsername(), ...p.usernames] },
  { pattern: /^login$/i, values: (p) => [...p.usernames, p.email] },
];

// '#fuzz' is a hashtag the world's posts carry: hashtag(name:) and searchHashtags find it
const PLAIN_WORDS = ['hello', 'a plain caption', '#fuzz'];

function plainStrings(name: string, pools: Pools): string[] {
  const hint = STRING_HINTS.find((h) => h.pattern.test(name));
  return hint ? hint.values(pools) : [...PLAIN_WORDS, ...pools.usernames];
}

/** Real IDs, those of the type the name mentions first (postId: posts); all when it names none. */
function plainIds(name: string, pools: Pools): string[] {
  const named = pools.ids.filter((id) => name.toLowerCase().includes(typeOfGlobalId(id).toLowerCase()));
  return named.length > 0 ? named : pools.ids;
}

const PLAIN_INTS = [20, 1, 2, 100, 1080];

/** The plain values of a scalar or enum in a position named `name`; the first is the most plain. */
export function plainScalars(type: GraphQLNamedInputType, name: string, pools: Pools): unknown[] {
  if (isEnumType(type)) return type.getValues().map((v) => new EnumValue(v.name));
  switch (type.name) {
    case 'ID':
      return plainIds(name, pools);
    case 'String':
      return plainStrings(name, pools);
    case 'Int':
      return PLAIN_INTS;
    case 'Float':
      return [1.5, ...PLAIN_INTS];
    case 'Boolean':
      return [true, false];
    default:
      return ['2026-01-01T00:00:00.000Z', ...plainStrings(name, pools)];
  }
}

/** Random plain values; a fresh username now and then, for a signUp that succeeds. */
export function plainScalar(type: GraphQLNamedInputType, name: string, pools: Pools): fc.Arbitrary<unknown> {
  const values = fc.constantFrom(...plainScalars(type, name, pools));
  if (type.name !== 'String' || !/^(user)?name$/i.test(name)) return values;
  return fc.oneof(values, fc.stringMatching(/^[a-z][a-z0-9_]{7,20}$/));
}

/** "Post" for a Post's global ID (base64url "<Type>:<id>", src/core/global-id.ts). */
export const typeOfGlobalId = (id: string): string => Buffer.from(id, 'base64url').toString().split(':')[0]!;
