import { Prisma } from '../generated/prisma/client';

/**
 * A list of ids as one SQL parameter. Drivers disagree on how a JS bigint[] binds, and a JS
 * array costs per element on the way out (Prisma serialises every parameter to JSON and parses
 * it back; node-postgres escapes each element): the ids travel as one comma-separated text that
 * PostgreSQL splits and casts (an empty list gives an empty array).
 */
export const bigintArray = (ids: readonly bigint[]): Prisma.Sql =>
  Prisma.sql`string_to_array(${ids.join(',')}, ',')::bigint[]`;
