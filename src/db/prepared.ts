import { createHash } from 'node:crypto';
import type { SqlQuery } from '@prisma/driver-adapter-utils';

/** Statements whose text changes with a list's length: `IN ($1,$2,...)` from Prisma's `in`. */
const VARIABLE_LENGTH = /\bIN \(\$/;
/** Transaction control: nothing to plan, and pg_stat_statements counts it only when unnamed. */
const TRANSACTION_CONTROL = /^\s*(BEGIN|START|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/**
 * Names for PostgreSQL prepared statements, for adapter-pg's `statementNameGenerator`.
 *
 * Without a name, every statement is parsed, analysed and planned again on each run. Named, it
 * is parsed once per connection, and after five runs PostgreSQL may keep a generic plan
 * (plan_cache_mode): PostgreSQL's CPU per feed request fell from 2.1 to about 1.2 ms, and went
 * back to 2.2-2.5 ms with plan_cache_mode=force_custom_plan (measured with bench/).
 *
 * node-postgres keeps a connection's prepared statements for the connection's life and cannot
 * drop one, so their number must stay bounded: statements whose text varies with a list's
 * length stay unnamed, and past `limit` distinct statements new ones do too. BEGIN, COMMIT and
 * the like stay unnamed as well. Named statements do not survive a transaction-pooling proxy
 * (PgBouncer before 1.21): DATABASE_PREPARED_STATEMENTS=false turns this off.
 *
 * A prepared statement must not take its result columns from `SELECT * FROM <table>` at its top
 * level: once a migration adds a column, PostgreSQL refuses to run it ("cached plan must not
 * change result type"). Ours list their columns (`*` only inside subqueries, which is safe;
 * test/db/prepared-statements.test.ts runs one across such a migration).
 *
 * Written here because adapter-pg leaves the naming to its user; the name is a hash of the
 * text, so equal statements share a name on every connection and every instance.
 */
export function statementNames(limit = 200): (query: SqlQuery) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name !== undefined) return name;
    name =
      names.size >= limit || VARIABLE_LENGTH.test(sql) || TRANSACTION_CONTROL.test(sql)
        ? '' // unnamed: node-postgres sends it as a one-off statement
        : `shutter_${createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
    if (name !== '') names.set(sql, name);
    return name;
  };
}
