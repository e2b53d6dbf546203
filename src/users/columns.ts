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
 * A whole user as one JSON value, for rows that carry a list of users' rows in one column
 * (json_agg); `userFromJson` turns it back into a UserModel. The id travels as text (JSON numbers
 * stop being exact at 2^53).
 */
export const userJson = (alias: string): Prisma.Sql =>
  cached(
    `json ${alias}`,
    () =>
      `json_build_object(${USER_FIELDS.map(
        (field) => `'${field}', ${alias}.${USER_COLUMNS[field]}${field === 'id' ? '::text' : ''}`,
      ).join(', ')})`,
  );

/** These fragments are built on every feed request; each (alias, prefix) is built once. */
const fragments = new Map<string, Prisma.Sql>();
function cached(key: string, build: () => string): Prisma.Sql {
  let sql = fragments.get(key);
  if (!sql) fragments.set(key, (sql = Prisma.raw(build())));
  return sql;
}

export type UserJson = Omit<UserModel, 'id' | 'createdAt' | 'updatedAt'> & {
  id: string;
  createdAt: string;
  updatedAt: string;
};

export const userFromJson = (json: UserJson): UserModel => ({
  ...json,
  id: BigInt(json.id),
  createdAt: new Date(json.createdAt),
  updatedAt: new Date(json.updatedAt),
});
