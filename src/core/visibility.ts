import { Prisma } from '../generated/prisma/client';

/** The viewer as SQL: a bound id, `NULL::bigint` for anonymous, or a column of a batch of viewers. */
export type ViewerSql = Prisma.Sql;

/**
 * Who may see what, decided in this one place. For each kind of row it gives a SQL condition
 * (on the row under `alias`, for the viewer as a SQL expression) that every statement returning
 * such rows includes, so a list, a page, a lookup by id and an event's delivery check all answer
 * the same question the same way. Objects that reach a viewer another way (node(id), an event's
 * payload) are checked with the same conditions (see `canSee` in the loaders and event scope).
 *
 * Today all content is public (PUBLIC_CONTENT); private accounts and blocks change the
 * conditions here, not the queries.
 */
export interface ReadPolicy {
  /** a `users` row */
  user(viewer: ViewerSql, alias: string): Prisma.Sql;
  /** a `posts` row (its author's visibility included) */
  post(viewer: ViewerSql, alias: string): Prisma.Sql;
  /** a `comments` row (its author's visibility included) */
  comment(viewer: ViewerSql, alias: string): Prisma.Sql;
  /**
   * True when every condition is TRUE for every viewer: checks of objects that arrive another
   * way are then skipped, and the subscribers of one event may share its execution.
   */
  readonly everythingVisible: boolean;
}

const TRUE = Prisma.sql`TRUE`;

export const PUBLIC_CONTENT: ReadPolicy = {
  user: () => TRUE,
  post: () => TRUE,
  comment: () => TRUE,
  everythingVisible: true,
};

/** The viewer of one request as SQL. */
const viewerSql = (viewerId: bigint | null): ViewerSql =>
  viewerId === null ? Prisma.sql`NULL::bigint` : Prisma.sql`${viewerId}::bigint`;

/** What a statement needs to apply the policy for one viewer. */
export interface Visibility {
  user(alias: string): Prisma.Sql;
  post(alias: string): Prisma.Sql;
  comment(alias: string): Prisma.Sql;
  /**
   * The user whose id is the column `idColumn` (e.g. `l.user_id`) may be seen: for lists of
   * users kept in another table (likers, followers), filtered before their page is cut.
   */
  userWithId(idColumn: string): Prisma.Sql;
}

/** Everything visible to everyone: one object for every request, nothing built per request. */
const EVERYTHING: Visibility = {
  user: () => TRUE,
  post: () => TRUE,
  comment: () => TRUE,
  userWithId: () => TRUE,
};

export function visibilityFor(policy: ReadPolicy, viewerId: bigint | null): Visibility {
  if (policy.everythingVisible) return EVERYTHING;
  const viewer = viewerSql(viewerId);
  return {
    user: (alias) => policy.user(viewer, alias),
    post: (alias) => policy.post(viewer, alias),
    comment: (alias) => policy.comment(viewer, alias),
    userWithId: (idColumn) =>
      Prisma.sql`EXISTS (SELECT 1 FROM users vu WHERE vu.id = ${Prisma.raw(idColumn)} AND ${policy.user(viewer, 'vu')})`,
  };
}
