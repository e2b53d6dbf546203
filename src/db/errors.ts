import { Prisma } from '../generated/prisma/client';

/**
 * For a unique-constraint violation (Prisma P2002), the names of the columns or constraint
 * involved, as text; null for any other error. Driver adapters report the constraint in
 * different places of `meta`, so we search all of it.
 */
export function uniqueViolation(error: unknown): string | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return null;
  return JSON.stringify(error.meta ?? {});
}

/** True for errors worth retrying a transaction for: serialization failure or deadlock. */
export function isTransientConflict(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2034';
}

/**
 * True for a foreign-key violation (Prisma P2003): the row referred to (e.g. the post being
 * liked or commented on) was deleted concurrently.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2003';
}
