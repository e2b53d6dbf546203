import { Prisma } from '../generated/prisma/client';

/** The viewer as SQL: a bound id, `NULL::bigint` for anonymous, or a column of a batch of viewers. */
export type ViewerSql = Prisma.Sql;

/**
 * Who may see what, decided in this one place. For each kind of row it gives a SQL condition
 * (on the row under `alias`, for the viewer as a SQL expression) that every statement returning
 * such rows includes, so a list, a page, a lookup by id and an event's delivery check all answer
 * the same question the same way. Objects that reach a viewer another way (node(id), an event's
 * payload) are checked with the same conditions (see `canSee` in the loaders and event scope).
 */
export interface ReadPolicy {
  /** a `users` row may be shown (its profile: name, avatar, counts) */
  user(viewer: ViewerSql, alias: string): Prisma.Sql;
  /** the viewer may see the posts, followers and following of the account `authorId` (SQL) */
  contentOf(viewer: ViewerSql, authorId: Prisma.Sql): Prisma.Sql;
  /** a `posts` row (its author's visibility included) */
  post(viewer: ViewerSql, alias: string): Prisma.Sql;
  /** a `comments` row (its post's visibility included) */
  comment(viewer: ViewerSql, alias: string): Prisma.Sql;
  /** a `comments` row listed under a post the viewer was already shown (its post not re-checked) */
  commentUnderShownPost(viewer: ViewerSql, alias: string): Prisma.Sql;
  /** a subquery of the ids (column `id`) whose posts make the viewer's home feed */
  feedAuthors(viewer: ViewerSql): Prisma.Sql;
  /**
   * the viewer may be told of what the account `actorId` (SQL) did to them (a notification's
   * actor): decides both whether an action notifies the viewer and whether it is shown
   */
  actor(viewer: ViewerSql, actorId: Prisma.Sql): Prisma.Sql;
  /** a `posts` row for the viewer's feed streams: seen, and its author not muted */
  feedPost(viewer: ViewerSql, alias: string): Prisma.Sql;
  /**
   * True when every condition is TRUE for every viewer: checks of objects that arrive another
   * way are then skipped.
   */
  readonly everythingVisible: boolean;
}

const TRUE = Prisma.sql`TRUE`;
const raw = Prisma.raw;

/** Everyone sees everything (but the feed is still the followed accounts' posts). */
export const PUBLIC_CONTENT: ReadPolicy = {
  user: () => TRUE,
  contentOf: () => TRUE,
  post: () => TRUE,
  comment: () => TRUE,
  commentUnderShownPost: () => TRUE,
  feedAuthors: (viewer) => Prisma.sql`
    SELECT f.followee_id AS id FROM follows f WHERE f.follower_id = ${viewer}
    UNION SELECT ${viewer}`,
  feedPost: () => TRUE,
  actor: () => TRUE,
  everythingVisible: true,
};

/** `account` blocked the viewer (anonymous: never). Served by the (blocked_id, blocker_id) index. */
const blockedViewer = (viewer: ViewerSql, account: Prisma.Sql) =>
  Prisma.sql`EXISTS (SELECT 1 FROM blocks pv_by WHERE pv_by.blocked_id = ${viewer} AND pv_by.blocker_id = ${account})`;

/** the viewer blocked `account` (anonymous: never). Served by the blocks primary key. */
const viewerBlocked = (viewer: ViewerSql, account: Prisma.Sql) =>
  Prisma.sql`EXISTS (SELECT 1 FROM blocks pv_bv WHERE pv_bv.blocker_id = ${viewer} AND pv_bv.blocked_id = ${account})`;

/** Neither blocked the other: what a block hides is hidden both ways. */
const noBlockBetween = (viewer: ViewerSql, account: Prisma.Sql) =>
  Prisma.sql`NOT ${blockedViewer(viewer, account)} AND NOT ${viewerBlocked(viewer, account)}`;

/** `account` is the viewer (anonymous: never; `IS TRUE` turns the NULL of anonymous into false) */
const isViewer = (viewer: ViewerSql, account: Prisma.Sql) => Prisma.sql`(${account} = ${viewer}) IS TRUE`;

/**
 * The rules of the privacy contract part (../shared/contract/privacy.graphql):
 * - a private account's posts, followers and following are seen by itself and its accepted
 *   followers only; its profile, and its likes and comments on posts others may see, by all;
 * - when A blocks B, B cannot see A at all; A still finds B's profile (to unblock it) but sees
 *   none of B's posts or comments; a block hides comments both ways;
 * - a mute hides the muted account's posts from the muter's feed and feed streams, nothing else.
 */
export const PRIVACY_RULES: ReadPolicy = {
  user: (viewer, alias) => {
    const id = raw(`${alias}.id`);
    return Prisma.sql`(NOT ${blockedViewer(viewer, id)} OR ${viewerBlocked(viewer, id)})`;
  },
  contentOf: (viewer, authorId) => Prisma.sql`(${isViewer(viewer, authorId)} OR (
    ${noBlockBetween(viewer, authorId)}
    AND EXISTS (
      SELECT 1 FROM users pv_a WHERE pv_a.id = ${authorId} AND (NOT pv_a.is_private OR EXISTS (
        SELECT 1 FROM follows pv_f WHERE pv_f.follower_id = ${viewer} AND pv_f.followee_id = pv_a.id)))))`,
  post: (viewer, alias) => PRIVACY_RULES.contentOf(viewer, raw(`${alias}.author_id`)),
  commentUnderShownPost: (viewer, alias) => {
    const author = raw(`${alias}.author_id`);
    return Prisma.sql`(${isViewer(viewer, author)} OR (${noBlockBetween(viewer, author)}))`;
  },
  comment: (viewer, alias) => Prisma.sql`(${PRIVACY_RULES.commentUnderShownPost(viewer, alias)}
    AND EXISTS (SELECT 1 FROM posts pv_p WHERE pv_p.id = ${raw(`${alias}.post_id`)} AND ${PRIVACY_RULES.post(viewer, 'pv_p')}))`,
  // A follow already lets the follower see a private account's content, and a block removes
  // the follows between the two, so the followed accounts need only the block check here (kept
  // for a follow that raced a block), not the whole contentOf per author.
  feedAuthors: (viewer) => Prisma.sql`
    SELECT f.followee_id AS id FROM follows f
    WHERE f.follower_id = ${viewer}
      AND NOT EXISTS (SELECT 1 FROM mutes pv_m WHERE pv_m.muter_id = ${viewer} AND pv_m.muted_id = f.followee_id)
      AND ${noBlockBetween(viewer, raw('f.followee_id'))}
    UNION SELECT ${viewer}`,
  feedPost: (viewer, alias) => Prisma.sql`(${PRIVACY_RULES.post(viewer, alias)} AND NOT EXISTS (
    SELECT 1 FROM mutes pv_m WHERE pv_m.muter_id = ${viewer} AND pv_m.muted_id = ${raw(`${alias}.author_id`)}))`,
  // A block either way: the blocked account's actions create nothing for the blocker, and the
  // blocker's nothing for the blocked one (who may not even see the blocker).
  actor: (viewer, actorId) => Prisma.sql`(${noBlockBetween(viewer, actorId)})`,
  everythingVisible: false,
};

/** The viewer of one request as SQL. */
const viewerSql = (viewerId: bigint | null): ViewerSql =>
  viewerId === null ? Prisma.sql`NULL::bigint` : Prisma.sql`${viewerId}::bigint`;

/** What a statement needs to apply the policy for one viewer. */
export interface Visibility {
  user(alias: string): Prisma.Sql;
  post(alias: string): Prisma.Sql;
  comment(alias: string): Prisma.Sql;
  commentUnderShownPost(alias: string): Prisma.Sql;
  /** the viewer may see the posts, followers and following of the account in column `idColumn` */
  contentOf(idColumn: string): Prisma.Sql;
  /**
   * The user whose id is the column `idColumn` (e.g. `l.user_id`) may be seen: for lists of
   * users kept in another table (likers, followers), filtered before their page is cut.
   */
  userWithId(idColumn: string): Prisma.Sql;
  /** a subquery of the ids (column `id`) whose posts make the home feed */
  feedAuthors(): Prisma.Sql;
  /** the viewer may be told of the actions of the account in column `idColumn` (see ReadPolicy.actor) */
  actor(idColumn: string): Prisma.Sql;
}

/** Everything visible to everyone: one object for every request, nothing built per request. */
export const EVERYTHING: Visibility = {
  user: () => TRUE,
  post: () => TRUE,
  comment: () => TRUE,
  commentUnderShownPost: () => TRUE,
  contentOf: () => TRUE,
  userWithId: () => TRUE,
  actor: () => TRUE,
  feedAuthors: () => {
    throw new Error('the home feed is always read for a viewer');
  },
};

export function visibilityFor(policy: ReadPolicy, viewerId: bigint | null): Visibility {
  const viewer = viewerSql(viewerId);
  const feedAuthors = () => policy.feedAuthors(viewer);
  if (policy.everythingVisible) return { ...EVERYTHING, feedAuthors };
  return {
    user: (alias) => policy.user(viewer, alias),
    post: (alias) => policy.post(viewer, alias),
    comment: (alias) => policy.comment(viewer, alias),
    commentUnderShownPost: (alias) => policy.commentUnderShownPost(viewer, alias),
    contentOf: (idColumn) => policy.contentOf(viewer, raw(idColumn)),
    userWithId: (idColumn) =>
      Prisma.sql`EXISTS (SELECT 1 FROM users vu WHERE vu.id = ${raw(idColumn)} AND ${policy.user(viewer, 'vu')})`,
    actor: (idColumn) => policy.actor(viewer, raw(idColumn)),
    feedAuthors,
  };
}
