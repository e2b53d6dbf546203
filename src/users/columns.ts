import { Prisma, type User } from '../generated/prisma/client';
import { rowMapping } from '../core/columns';

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
 * A whole user as one JSON value, for rows that carry users in one column (a feed post's
 * author, json_agg of comments' authors); `userFromJson` turns it back into a UserModel. An
 * array of the columns in USER_JSON order rather than an object: a feed page carries about a
 * hundred users, and JSON.parse reads such arrays about twice as fast as objects with 14 keys.
 * The id travels as text (JSON numbers stop being exact at 2^53).
 */
export const userJson = (alias: string): Prisma.Sql =>
  cached(
    `json ${alias}`,
    () =>
      `json_build_array(${USER_JSON.map(
        (field) => `${alias}.${USER_COLUMNS[field]}${field === 'id' ? '::text' : ''}`,
      ).join(', ')})`,
  );

/** The order of userJson's array, which `userFromJson` reads back by the same list. */
const USER_JSON = [
  'id',
  'username',
  'displayName',
  'bio',
  'avatarUrl',
  'avatarKey',
  'avatarBlurhash',
  'avatarVariants',
  'createdAt',
  'updatedAt',
  'postCount',
  'followerCount',
  'followingCount',
  'isPrivate',
] as const satisfies readonly (keyof UserModel)[];
// A column added to UserModel must be added here too, or it would silently be missing.
if (new Set<string>(USER_JSON).size !== USER_FIELDS.length) {
  throw new Error('USER_JSON must list every field of UserModel');
}

type JsonOf<F> = F extends 'id' | 'createdAt' | 'updatedAt' ? string : UserModel[F & keyof UserModel];
type ValuesOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: JsonOf<T[I]> };
export type UserJson = ValuesOf<typeof USER_JSON>;

export function userFromJson(json: UserJson): UserModel {
  const user: Record<string, unknown> = {};
  for (let i = 0; i < USER_JSON.length; i++) user[USER_JSON[i]!] = json[i];
  user.id = BigInt(user.id as string);
  user.createdAt = new Date(user.createdAt as string);
  user.updatedAt = new Date(user.updatedAt as string);
  return user as UserModel;
}

/** These fragments are built on every feed request; each (alias, prefix) is built once. */
const fragments = new Map<string, Prisma.Sql>();
function cached(key: string, build: () => string): Prisma.Sql {
  let sql = fragments.get(key);
  if (!sql) fragments.set(key, (sql = Prisma.raw(build())));
  return sql;
}
