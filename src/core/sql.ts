import { Prisma } from '../generated/prisma/client';

/**
 * A list of ids as one SQL parameter. Drivers disagree on how a JS bigint[] binds, so the ids
 * travel as text[] and PostgreSQL casts them back.
 */
export const bigintArray = (ids: readonly bigint[]): Prisma.Sql =>
  Prisma.sql`${ids.map(String)}::text[]::bigint[]`;
