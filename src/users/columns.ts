import { Prisma, type User } from '../generated/prisma/client';

const USER_FIELDS = [
  'id',
  'username',
  'email',
  'passwordHash',
  'displayName',
  'bio',
  'avatarUrl',
  'createdAt',
  'updatedAt',
  'postCount',
  'followerCount',
  'followingCount',
] as const satisfies readonly (keyof User)[];

/**
 * Every column of `users` under its Prisma field name, for raw SQL that returns whole users
 * (connections that join users in the same statement instead of a second round trip). With a
 * `prefix`, the columns are named `<prefix><field>`, to share a row with another table's
 * columns; `userFromRow` takes them back out. Keep in step with the User model: the follows
 * and search tests read every field back.
 */
export function userColumns(alias: string, prefix = ''): Prisma.Sql {
  const a = alias;
  const as = (field: string) => `"${prefix}${field}"`;
  return Prisma.raw(
    [
      `${a}.id AS ${as('id')}`,
      `${a}.username AS ${as('username')}`,
      `${a}.email AS ${as('email')}`,
      `${a}.password_hash AS ${as('passwordHash')}`,
      `${a}.display_name AS ${as('displayName')}`,
      `${a}.bio AS ${as('bio')}`,
      `${a}.avatar_url AS ${as('avatarUrl')}`,
      `${a}.created_at AS ${as('createdAt')}`,
      `${a}.updated_at AS ${as('updatedAt')}`,
      `${a}.post_count AS ${as('postCount')}`,
      `${a}.follower_count AS ${as('followerCount')}`,
      `${a}.following_count AS ${as('followingCount')}`,
    ].join(', '),
  );
}

/** The user carried by a row selected with `userColumns(alias, prefix)`. */
export function userFromRow(row: Record<string, unknown>, prefix: string): User {
  const columns = prefixedFields(prefix);
  const user: Record<string, unknown> = {};
  for (let i = 0; i < USER_FIELDS.length; i++) user[USER_FIELDS[i]!] = row[columns[i]!];
  return user as User;
}

const prefixed = new Map<string, readonly string[]>();
function prefixedFields(prefix: string): readonly string[] {
  let columns = prefixed.get(prefix);
  if (!columns) prefixed.set(prefix, (columns = USER_FIELDS.map((field) => prefix + field)));
  return columns;
}
