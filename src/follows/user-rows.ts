import { Prisma } from '../generated/prisma/client';

/**
 * Every column of `users` under its Prisma field name, for raw SQL that returns whole users
 * (connections that join users in the same statement instead of a second round trip). Keep in
 * step with the User model: the follows and search tests read every field back.
 */
export function userColumns(alias: string): Prisma.Sql {
  const a = alias;
  return Prisma.raw(
    [
      `${a}.id`,
      `${a}.username`,
      `${a}.email`,
      `${a}.password_hash AS "passwordHash"`,
      `${a}.display_name AS "displayName"`,
      `${a}.bio`,
      `${a}.avatar_url AS "avatarUrl"`,
      `${a}.created_at AS "createdAt"`,
      `${a}.updated_at AS "updatedAt"`,
      `${a}.post_count AS "postCount"`,
      `${a}.follower_count AS "followerCount"`,
      `${a}.following_count AS "followingCount"`,
    ].join(', '),
  );
}

/**
 * A list of ids as one SQL parameter. Drivers disagree on how a JS bigint[] binds, so the ids
 * travel as text[] and PostgreSQL casts them back.
 */
export const bigintArray = (ids: readonly bigint[]): Prisma.Sql =>
  Prisma.sql`${ids.map(String)}::text[]::bigint[]`;
