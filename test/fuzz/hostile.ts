import fc from 'fast-check';

/**
 * Hostile scalar values: what a careless or malicious client can put in a JSON string or
 * number. Each list starts with its least exotic entry, which is where fast-check shrinks to.
 */

const KB = 1_000;

/** Characters that break naive handling: NUL (PostgreSQL text refuses it), lone surrogates, bidi, zero-width. */
const HOSTILE_CHARS = [
  '\u0000',
  '\uD800',
  '\uDFFF',
  '\u202E',
  '\u200B',
  '\uFEFF',
  '\u200D',
  '\u0301',
  '\u2028',
  '\u001B',
  '\uFFFF',
];

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'a\uDC00b',
  '\uDBFF\uDBFF',
  '\u202Eevil\u202C',
  '\u200B',
  '\u200D\u200C\uFEFF',
  '\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '\t\n\r',
  "'; DROP TABLE users; --",
  '%s%n%x',
  '\\',
  '"',
  '..\\..\\..',
  'x'.repeat(2_201),
  'x'.repeat(60 * KB), // fits a WebSocket message (64 KiB)
  'a'.repeat(100 * KB), // 100 KB: fits an HTTP body (100 KiB), not a WebSocket message
  'é'.repeat(50 * KB), // 100 KB of UTF-8
  '\u0000'.repeat(KB),
];

/** Hostile or random text, and plain `near` values with a hostile character slipped in. */
export function hostileString(near: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: withHostileChar(fc.constantFrom(...near)), weight: 3 },
    { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  );
}

/** `plain` with a hostile character (NUL more often than not) inserted somewhere. */
function withHostileChar(plain: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const char = fc.oneof(
    { arbitrary: fc.constant('\u0000'), weight: 1 },
    { arbitrary: fc.constantFrom(...HOSTILE_CHARS), weight: 1 },
  );
  return fc.tuple(plain, char, fc.nat()).map(([text, c, at]) => insertAt(text, at % (text.length + 1), c));
}

const insertAt = (text: string, at: number, char: string): string =>
  `${text.slice(0, at)}${char}${text.slice(at)}`;

/** The sweep's strings (see sweep.ts): one of each class, several made from a plain value. */
export const sweepStrings = (plain: string): string[] => [
  '\u0000',
  insertAt(plain, plain.length >> 1, '\u0000'),
  insertAt(plain, 1, '\uD800'),
  `\u202E${plain}`,
  `${plain}\u200B\uFEFF`,
  'a'.repeat(100 * KB),
  '',
];

const TWO_63 = 2n ** 63n;
const TWO_64 = 2n ** 64n;

/** Integers at and beyond the 32-, 53- and 64-bit limits, negative, zero and fractional. */
export const HOSTILE_NUMBERS: (number | bigint)[] = [
  0,
  -1,
  1.5,
  -0.5,
  101,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  2 ** 53,
  -Number.MAX_SAFE_INTEGER,
  TWO_63 - 1n,
  TWO_63,
  -TWO_63,
  -TWO_63 - 1n,
  TWO_64,
  10n ** 30n,
  1e308,
  -1e308,
  5e-324,
];

export function hostileNumber(): fc.Arbitrary<number | bigint> {
  return fc.oneof(
    fc.constantFrom(...HOSTILE_NUMBERS),
    fc.integer(),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
}

/** Database-id parts of forged global IDs: zero, negative, beyond int8, not decimal. */
const FORGED_ID_PARTS = [
  '0',
  '-1',
  '01',
  '1.5',
  '1e3',
  ' 1',
  '1\u0000',
  '\u00001',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551616',
  '99999999999999999999999',
  '',
];

const base64url = (text: string): string => Buffer.from(text).toString('base64url');

/** Type names other than the schema's Node types, to forge IDs of no or the wrong type. */
const FOREIGN_TYPES = ['Node', 'user', 'Media', 'X', '', 'User\u0000'];

/**
 * Global IDs (base64url "<Type>:<id>", see src/shared/global-id.ts) of every type, well formed
 * with an out-of-range id, or malformed: standard base64 with padding, not encoded at all,
 * an extra component, over the 64-character limit, a real one with a character changed.
 */
export function forgedGlobalId(
  nodeTypes: readonly string[],
  realIds: readonly string[],
): fc.Arbitrary<string> {
  const type = fc.constantFrom(...nodeTypes, ...FOREIGN_TYPES);
  const idPart = fc.oneof(
    fc.constantFrom(...FORGED_ID_PARTS),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  );
  const wellFormed = fc.tuple(type, idPart).map(([t, id]) => base64url(`${t}:${id}`));
  const malformed = fc
    .tuple(type, idPart)
    .chain(([t, id]) =>
      fc.constantFrom(
        Buffer.from(`${t}:${id}`).toString('base64'),
        `${t}:${id}`,
        base64url(`${t}:${id}:1`),
        base64url(t),
        base64url(`${t}:${id}`).repeat(8),
        `${base64url(`${t}:${id}`)}\u0000`,
      ),
    );
  const tampered = fc
    .tuple(fc.constantFrom(...realIds), fc.nat(), fc.constantFrom('A', '_', '-', '=', '\u0000'))
    .map(([id, at, char]) => `${id.slice(0, at % id.length)}${char}${id.slice((at % id.length) + 1)}`);
  return fc.oneof(wellFormed, malformed, tampered);
}

/** The sweep's IDs: every Node type with a zero, negative, beyond-int8 and NUL-carrying id, and the sweep's strings. */
export const sweepGlobalIds = (nodeTypes: readonly string[], plainId: string): string[] => [
  ...nodeTypes.flatMap((type) =>
    ['0', '-1', '9223372036854775808', '1\u0000'].map((id) => base64url(`${type}:${id}`)),
  ),
  ...sweepStrings(plainId),
];
