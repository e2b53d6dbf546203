import { Prisma, type User } from '../generated/prisma/client';
import type { GraphQLResolveInfo } from 'graphql';
import { rowMapping } from '../core/columns';
import { fieldsAhead, type AheadPath } from '../core/lookahead';

/**
 * A user as the API resolves it: every column but the credentials. The email and the password
 * hash are read by the auth module alone, so they never ride along with a loader batch or a
 * feed page (GraphQL exposes neither).
 */
export type UserModel = Omit<User, 'email' | 'passwordHash'>;

/** Every column of a UserModel by its Prisma field name. */
const USER_COLUMNS = {
  id: 'id',
  username: 'username',
  displayName: 'display_name',
  bio: 'bio',
  avatarUrl: 'avatar_url',
  avatarKey: 'avatar_key',
  avatarBlurhash: 'avatar_blurhash',
  avatarVariants: 'avatar_variants',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  postCount: 'post_count',
  followerCount: 'follower_count',
  followingCount: 'following_count',
  isPrivate: 'is_private',
} as const satisfies Record<keyof UserModel, string>;

const USER_ROW = rowMapping<UserModel>(USER_COLUMNS);
const USER_FIELDS = USER_ROW.fields;

/** Prisma's `select` of a UserModel. */
export const USER_SELECT = Object.fromEntries(USER_FIELDS.map((field) => [field, true])) as Record<
  keyof UserModel,
  true
>;

/**
 * Every column of a UserModel under its Prisma field name, for raw SQL that returns whole users
 * (connections that join users in the same statement instead of a second round trip). With a
 * `prefix`, the columns are named `<prefix><field>`, to share a row with another table's
 * columns; `userFromRow` takes them back out.
 */
export const userColumns = (alias: string, prefix = ''): Prisma.Sql => USER_ROW.columns(alias, prefix);

/** The user carried by a row selected with `userColumns(alias, prefix)` (prefix '' for a User). */
export const userFromRow = (row: object, prefix = ''): UserModel => USER_ROW.fromRow(row, prefix);

/**
 * A user as one JSON value, for rows that carry users in one column (a feed post's author,
 * json_agg of comments' authors); `userFromJson` turns it back into a UserModel. An array of the
 * columns in USER_JSON order rather than an object: a feed page carries about a hundred users,
 * and JSON.parse reads such arrays about twice as fast as objects with 14 keys. The id travels
 * as text (JSON numbers stop being exact at 2^53).
 *
 * `shape` 'card' selects the card's columns only (see UserShape).
 */
export const userJson = (alias: string, shape: UserShape = 'full'): Prisma.Sql =>
  cached(
    `json ${alias} ${shape}`,
    () =>
      `json_build_array(${(shape === 'card' ? CARD_JSON : USER_JSON)
        .map((field) => `${alias}.${USER_COLUMNS[field]}${field === 'id' ? '::text' : ''}`)
        .join(', ')})`,
  );

/**
 * How much of a user a statement carries: 'full', or 'card', the columns that show who
 * someone is next to their post or comment (name, avatar, privacy), without their bio,
 * counts and dates. A feed page carries about 80 users; as cards its JSON is less than half
 * the size, which PostgreSQL builds, the socket carries and JSON.parse reads. A card user
 * lacks the other columns (they are undefined), so it is only given to an operation that asks
 * nothing of them: see `userShapeAhead`.
 */
export type UserShape = 'card' | 'full';

/** The card's columns, in the order of userJson's array; `userFromJson` reads it back. */
const CARD_JSON = [
  'id',
  'username',
  'displayName',
  'avatarUrl',
  'avatarKey',
  'avatarBlurhash',
  'avatarVariants',
  'isPrivate',
] as const satisfies readonly (keyof UserModel)[];
/** Every column: the card's, then the others. */
const USER_JSON = [
  ...CARD_JSON,
  'bio',
  'createdAt',
  'updatedAt',
  'postCount',
  'followerCount',
  'followingCount',
] as const satisfies readonly (keyof UserModel)[];
// A column added to UserModel must be added here too, or it would silently be missing.
if (new Set<string>(USER_JSON).size !== USER_FIELDS.length) {
  throw new Error('USER_JSON must list every field of UserModel');
}

/**
 * The fields of the GraphQL type User that a card answers: their resolvers read only the
 * card's columns (most only the id, for a loader). A field not listed needs the full user; a
 * new field of User is thus safe until it is added here, and the test of the card
 * (test/users/user-card.test.ts) checks that each listed field answers the same from a card
 * as from a full user.
 */
export const USER_CARD_FIELDS: ReadonlySet<string> = new Set([
  '__typename',
  'id',
  'username',
  'displayName',
  'avatarUrl',
  'avatar',
  'isPrivate',
  'isViewer',
  'viewerCanSeeContent',
  'viewerIsFollowing',
  'followsViewer',
  'viewerHasRequestedFollow',
  'viewerHasBlocked',
  'viewerHasMuted',
  'followers',
  'following',
  'posts',
]);

/**
 * The shape that serves every selection of a User at `path` under the field being resolved:
 * 'card' when they ask only USER_CARD_FIELDS (directly, or through fragments on User), else
 * 'full' (also when a fragment there is on another type, such as Node).
 */
export function userShapeAhead(info: GraphQLResolveInfo, path: AheadPath): UserShape {
  const fields = fieldsAhead(info, path, 'User');
  if (fields === null) return 'full';
  for (const field of fields) if (!USER_CARD_FIELDS.has(field)) return 'full';
  return 'card';
}

type JsonOf<F> = F extends 'id' | 'createdAt' | 'updatedAt' ? string : UserModel[F & keyof UserModel];
type ValuesOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: JsonOf<T[I]> };
type FullUserJson = ValuesOf<typeof USER_JSON>;
/** A userJson array: every column, or the card's. */
export type UserJson = FullUserJson | ValuesOf<typeof CARD_JSON>;

/**
 * The user of a userJson array (a card's missing columns undefined). One object literal, so
 * that every user, card or full, has the same hidden class.
 */
export function userFromJson(json: UserJson): UserModel {
  const full = json.length === USER_JSON.length ? (json as FullUserJson) : null;
  return {
    id: BigInt(json[0]),
    username: json[1],
    displayName: json[2],
    avatarUrl: json[3],
    avatarKey: json[4],
    avatarBlurhash: json[5],
    avatarVariants: json[6],
    isPrivate: json[7],
    bio: full?.[8] as string,
    createdAt: (full ? new Date(full[9]) : undefined) as Date,
    updatedAt: (full ? new Date(full[10]) : undefined) as Date,
    postCount: full?.[11] as number,
    followerCount: full?.[12] as number,
    followingCount: full?.[13] as number,
  };
}

/** These fragments are built on every feed request; each (alias, prefix) is built once. */
const fragments = new Map<string, Prisma.Sql>();
function cached(key: string, build: () => string): Prisma.Sql {
  let sql = fragments.get(key);
  if (!sql) fragments.set(key, (sql = Prisma.raw(build())));
  return sql;
}
