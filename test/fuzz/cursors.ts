import fc from 'fast-check';

/**
 * Forged pagination cursors. A cursor is base64url JSON `[keysetName, ...sortKeyValues]`
 * (Keyset.cursorOf in src/core/connection.ts). The templates are real cursors harvested from
 * every connection of the schema (see harvest.ts), so each keyset's name and arity are known
 * without listing them here; each component is then replaced by one out of its range.
 */
type CursorParts = [unknown, ...unknown[]];

const ISO_DATE = /^[+-]?\d{4,6}-\d{2}-\d{2}T/;

/** Beyond PostgreSQL's timestamp range (4713 BC .. 294276 AD), or JavaScript's (±275760); year 0; NUL. */
const DATE_VARIANTS: unknown[] = [
  '-100000-01-01T00:00:00.000Z',
  '+300000-01-01T00:00:00.000Z',
  '+200000-01-01T00:00:00.000Z',
  '0000-01-01T00:00:00.000Z',
  '2020-01-01T00:00:00.000Z\u0000',
  0,
];

/** Ids beyond int8 (-2^63 .. 2^63-1), negative, not decimal. */
const BIGINT_VARIANTS: unknown[] = ['9223372036854775808', '-9223372036854775809', '-1', '1\u0000', 1e30];

const NUMBER_VARIANTS: unknown[] = [1e308, 1.5, 2 ** 31, -1, '1'];

const STRING_VARIANTS: unknown[] = ['a\u0000b', '\uD800', 'x'.repeat(300), 1];

function variantsOf(value: unknown): unknown[] {
  if (typeof value === 'number') return NUMBER_VARIANTS;
  if (typeof value !== 'string') return [null, 'x'];
  if (ISO_DATE.test(value)) return DATE_VARIANTS;
  if (/^-?[0-9]+$/.test(value)) return BIGINT_VARIANTS;
  return STRING_VARIANTS;
}

export function decodeCursor(cursor: string): CursorParts | null {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(parts) && parts.length > 0 ? (parts as CursorParts) : null;
  } catch {
    return null;
  }
}

const encode = (parts: unknown): string => Buffer.from(JSON.stringify(parts)).toString('base64url');

const replaced = (parts: CursorParts, at: number, value: unknown): unknown[] =>
  parts.map((part, i) => (i === at ? value : part));

/**
 * Every systematic forgery of every template: out-of-range components, the name of another
 * keyset (`names`, by default the templates' own), a name with NUL, wrong arity.
 */
export function forgedCursors(templates: readonly string[], names = keysetNames(templates)): string[] {
  const decoded = templates.map(decodeCursor).filter((parts): parts is CursorParts => parts !== null);
  const forged = decoded.flatMap((parts) => [
    ...parts.slice(1).flatMap((value, i) => variantsOf(value).map((v) => encode(replaced(parts, i + 1, v)))),
    ...[...names.filter((name) => name !== parts[0]), `${String(parts[0])}\u0000`, ''].map((name) =>
      encode(replaced(parts, 0, name)),
    ),
    encode(parts.slice(0, -1)),
    encode([...parts, parts.at(-1)]),
    encode(parts.slice(1)),
    Buffer.from(JSON.stringify(parts)).toString('base64'),
  ]);
  const shapeless = [encode({}), 'not a cursor', encode(['x'.repeat(600)])];
  return [...new Set([...forged, ...shapeless])];
}

/** The keyset names of some cursors, e.g. ['feed', 'explore', 'Post.comments']. */
export const keysetNames = (cursors: readonly string[]): unknown[] => [
  ...new Set(cursors.map((cursor) => decodeCursor(cursor)?.[0])),
];

/** An ISO date-time in year `year`, in JavaScript's expanded-year form beyond 0..9999. */
function isoInYear(year: number): string {
  const digits =
    year < 0 || year > 9999
      ? `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`
      : String(year).padStart(4, '0');
  return `${digits}-06-15T12:00:00.000Z`;
}

/** A template with one component replaced by a random (often out-of-range) value. */
export function randomForgedCursor(templates: readonly string[]): fc.Arbitrary<string> {
  const decoded = templates.map(decodeCursor).filter((parts): parts is CursorParts => parts !== null);
  const component = fc.oneof(
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    fc.integer({ min: -300_000, max: 300_000 }).map(isoInYear),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  return fc
    .tuple(fc.constantFrom(...decoded), fc.nat(), component)
    .map(([parts, at, value]) => encode(replaced(parts, 1 + (at % Math.max(1, parts.length - 1)), value)));
}
