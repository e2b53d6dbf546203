import { Prisma } from '../generated/prisma/client';
import DataLoader from 'dataloader';
import { badUserInput } from './errors';
import { bigintArray } from './sql';
import { isStorableText } from './validate';

/**
 * The one pagination helper behind every connection: Relay connections over keyset
 * pagination (never OFFSET). A cursor encodes the row's sort key plus a unique tie-breaker
 * and the name of the ordering it belongs to, so a page boundary survives inserts and deletes
 * between requests and a cursor from another connection is refused.
 */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A `first` a connection accepts: an integer from 1 to MAX_PAGE_SIZE. */
export const isPageSize = (first: unknown): first is number =>
  Number.isInteger(first) && (first as number) >= 1 && (first as number) <= MAX_PAGE_SIZE;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Edge<N> {
  cursor: string;
  node: N;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<N> {
  edges: Edge<N>[];
  pageInfo: PageInfo;
}

type KeyType = 'date' | 'bigint' | 'string' | 'int';
type KeyValue = Date | bigint | string | number;

interface KeyField {
  /** property of the row (Prisma field name or SQL alias) */
  field: string;
  /** SQL column, for raw queries */
  column: string;
  type: KeyType;
}

export interface KeysetSpec {
  /** namespaces cursors: a cursor of another ordering is BAD_USER_INPUT */
  name: string;
  direction: 'asc' | 'desc';
  /** sort key, most significant first; the last must be unique */
  keys: KeyField[];
}

/** A parsed page request: how many rows to show and where. */
export interface PageRequest {
  first: number;
  after: KeyValue[] | null;
}

/**
 * How many rows a page fetches, starting at the cursor's own row (see `sqlFrom`): the `first`
 * it shows, one more that tells hasNextPage, and the cursor's row, whose presence tells
 * hasPreviousPage in the same statement.
 */
export const fetchLimit = (page: PageRequest): number => page.first + (page.after ? 2 : 1);

/** The page a connection shows with no cursor, e.g. the first comments of a post. */
export const firstPage = (first: number): PageRequest => ({ first, after: null });

function encodeValue(value: KeyValue): string | number {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}

const INT8 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const INT4_MAX = 2 ** 31 - 1;

/**
 * A cursor component as this server encodes it, and in the range of its SQL type: a forged
 * cursor that decodes but would fail in PostgreSQL (an id past int8, a date PostgreSQL cannot
 * hold, a NUL in a string) is refused here, as BAD_USER_INPUT, never sent.
 */
function decodeValue(raw: unknown, type: KeyType): KeyValue | null {
  switch (type) {
    case 'date': {
      if (typeof raw !== 'string') return null;
      const date = new Date(raw);
      if (Number.isNaN(date.getTime()) || date.toISOString() !== raw) return null; // not ours
      // JavaScript dates span 271,821 BC to 275,760 AD, PostgreSQL's 4713 BC to 294,276 AD.
      const year = date.getUTCFullYear();
      return year >= 1 && year <= 9999 ? date : null;
    }
    case 'bigint': {
      if (typeof raw !== 'string' || !/^-?[0-9]{1,19}$/.test(raw)) return null;
      const value = BigInt(raw);
      return value >= INT8.min && value <= INT8.max ? value : null;
    }
    case 'string':
      return typeof raw === 'string' && isStorableText(raw) ? raw : null;
    case 'int':
      return Number.isInteger(raw) && Math.abs(raw as number) <= INT4_MAX ? (raw as number) : null;
  }
}

export class Keyset {
  constructor(readonly spec: KeysetSpec) {}

  /** Validates `first` (1..100) and `after`; BAD_USER_INPUT naming the argument otherwise. */
  parse(args: PageArgs): PageRequest {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!isPageSize(first)) {
      throw badUserInput('first', `first must be between 1 and ${MAX_PAGE_SIZE}.`);
    }
    return { first, after: args.after == null ? null : this.decode(args.after) };
  }

  cursorOf(row: object): string {
    const values = this.spec.keys.map((k) => encodeValue((row as Record<string, KeyValue>)[k.field]!));
    return Buffer.from(JSON.stringify([this.spec.name, ...values])).toString('base64url');
  }

  private decode(cursor: string): KeyValue[] {
    const invalid = () => badUserInput('after', 'Invalid cursor.');
    if (cursor.length > 512) throw invalid();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    const { name, keys } = this.spec;
    if (!Array.isArray(parsed) || parsed[0] !== name || parsed.length !== keys.length + 1) throw invalid();
    return keys.map((key, i) => {
      const value = decodeValue(parsed[i + 1], key.type);
      if (value === null) throw invalid();
      return value;
    });
  }

  /**
   * SQL condition for the cursor's row and the rows after it (TRUE on the first page). The
   * cursor's row is fetched, not shown: while it exists, an item precedes the page, which is
   * what hasPreviousPage says, known without a statement of its own. Once it is gone (deleted,
   * or hidden by the read policy) hasPreviousPage is false, which the Relay spec allows for
   * every forward page.
   */
  sqlFrom(after: KeyValue[] | null, alias: string): Prisma.Sql {
    if (!after) return Prisma.sql`TRUE`;
    const columns = Prisma.raw(this.spec.keys.map((k) => `${alias}.${k.column}`).join(', '));
    const op = Prisma.raw(this.spec.direction === 'desc' ? '<=' : '>=');
    return Prisma.sql`(${columns}) ${op} (${Prisma.join(after)})`;
  }

  /** Whether `row` is the cursor's own row: compared as encoded, the form a cursor carries. */
  private isAt(row: object, after: KeyValue[]): boolean {
    return this.spec.keys.every(
      (k, i) => encodeValue((row as Record<string, KeyValue>)[k.field]!) === encodeValue(after[i]!),
    );
  }

  sqlOrderBy(alias: string): Prisma.Sql {
    const dir = this.spec.direction.toUpperCase();
    return Prisma.raw(this.spec.keys.map((k) => `${alias}.${k.column} ${dir}`).join(', '));
  }

  /**
   * Builds the connection from up to `fetchLimit(page)` rows fetched in order from `sqlFrom`:
   * the cursor's own row, if first, only says there is a previous page, and the row past
   * `first` only that there is a next one. `toNode` maps a row to its node when they differ
   * (e.g. a Follow row to the followed User).
   */
  connection<R extends object, N = R>(
    fetched: readonly R[],
    page: PageRequest,
    toNode?: (row: R) => N,
  ): Connection<N> {
    const hasPreviousPage = page.after !== null && fetched.length > 0 && this.isAt(fetched[0]!, page.after);
    const rows = hasPreviousPage ? fetched.slice(1) : fetched;
    const edges = rows
      .slice(0, page.first)
      .map((row) => new LazyEdge(this, row, toNode ? toNode(row) : (row as unknown as N)));
    return { edges, pageInfo: new LazyPageInfo(rows.length > page.first, hasPreviousPage, edges) };
  }
}

/**
 * An edge whose cursor is encoded when it is read: most cursors are never asked for (a feed
 * post's comments, say, show no cursor at all), and each is a JSON + base64 encoding. A class
 * rather than an object with a getter and closures: a page of 20 posts with their comments
 * makes about 100 edges per request, and this is the fewest allocations for each.
 */
class LazyEdge<N> implements Edge<N> {
  private encoded: string | undefined;

  constructor(
    private readonly keyset: Keyset,
    private readonly row: object,
    readonly node: N,
  ) {}

  get cursor(): string {
    return (this.encoded ??= this.keyset.cursorOf(this.row));
  }
}

/** pageInfo, whose cursors are the first and last edges' own, encoded only if asked for. */
class LazyPageInfo implements PageInfo {
  constructor(
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
    private readonly edges: readonly Edge<unknown>[],
  ) {}

  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.edges.at(-1)?.cursor ?? null;
  }
}

export const keyset = (spec: KeysetSpec): Keyset => new Keyset(spec);

/**
 * The FROM clause of a child-page fetch: for each parent id, its first `fetchLimit(page)` rows
 * of `table` (as `alias`) from the cursor on in keyset order, each row with `parent.id`. One
 * statement for the whole batch, each parent served by its (parent, sort key) index.
 */
export function lateralPage(options: {
  parentIds: readonly bigint[];
  table: string;
  alias: string;
  /** the column holding the parent's id */
  parentColumn: string;
  keyset: Keyset;
  page: PageRequest;
  /** what the inner select returns (default: every column) */
  select?: Prisma.Sql;
  /** more conditions, e.g. the read policy's */
  where?: Prisma.Sql;
}): Prisma.Sql {
  const { alias, keyset, page } = options;
  const a = Prisma.raw(alias);
  return Prisma.sql`unnest(${bigintArray(options.parentIds)}) AS parent(id)
    CROSS JOIN LATERAL (
      SELECT ${options.select ?? Prisma.raw(`${alias}.*`)} FROM ${Prisma.raw(options.table)} ${a}
      WHERE ${Prisma.raw(`${alias}.${options.parentColumn}`)} = parent.id
        AND ${keyset.sqlFrom(page.after, alias)} AND ${options.where ?? Prisma.sql`TRUE`}
      ORDER BY ${keyset.sqlOrderBy(alias)}
      LIMIT ${fetchLimit(page)}
    ) ${a}`;
}

/** A page of one parent's children, e.g. one post's comments. */
export interface ChildPageKey {
  parentId: bigint;
  first?: number | null;
  after?: string | null;
}

/**
 * Batches "a page of children for each of these parents" (each post's comments, each user's
 * followers...) into one fetch per distinct (first, after) pair, which for a list of parents
 * asking the same page is one SQL statement however many parents there are.
 *
 * `fetch` receives the parent ids and the page request and must return, for every parent, its
 * first `fetchLimit(page)` children from the cursor on in keyset order (`lateralPage`: `unnest(ids)
 * CROSS JOIN LATERAL (... WHERE parent = id AND <sqlFrom> ORDER BY <sqlOrderBy> LIMIT ...)`),
 * each row carrying its `parentId`.
 */
export function createChildPageLoader<R extends { parentId: bigint }, N = R>(
  keyset: Keyset,
  fetch: (parentIds: bigint[], page: PageRequest) => Promise<R[]>,
  toNodes?: (rows: R[]) => Promise<N[]>,
): DataLoader<ChildPageKey, Connection<N>, string> {
  return new DataLoader<ChildPageKey, Connection<N>, string>(
    async (keys) => {
      const results = new Map<string, Connection<N> | Error>();
      const groups = new Map<string, { page: PageRequest; parentIds: bigint[] }>();
      for (const key of keys) {
        try {
          const page = keyset.parse(key);
          const groupKey = `${page.first}|${key.after ?? ''}`;
          const group = groups.get(groupKey) ?? { page, parentIds: [] };
          group.parentIds.push(key.parentId);
          groups.set(groupKey, group);
        } catch (error) {
          results.set(childPageCacheKey(key), error as Error);
        }
      }
      for (const [groupKey, { page, parentIds }] of groups) {
        const rows = await fetch([...new Set(parentIds)], page);
        const nodes = toNodes ? await toNodes(rows) : (rows as unknown as N[]);
        const nodeOf = new Map(rows.map((row, i) => [row, nodes[i]!]));
        const byParent = new Map<bigint, R[]>();
        for (const row of rows) byParent.set(row.parentId, [...(byParent.get(row.parentId) ?? []), row]);
        for (const parentId of parentIds) {
          const connection = keyset.connection(byParent.get(parentId) ?? [], page, (row) => nodeOf.get(row)!);
          results.set(`${parentId}|${groupKey}`, connection);
        }
      }
      return keys.map((key) => results.get(childPageCacheKey(key)) ?? new Error('page not loaded'));
    },
    { cacheKeyFn: childPageCacheKey },
  );
}

function childPageCacheKey(key: ChildPageKey): string {
  return `${key.parentId}|${key.first ?? DEFAULT_PAGE_SIZE}|${key.after ?? ''}`;
}
