import { Prisma } from '../generated/prisma/client';

/**
 * A table's row mapping, from one map of Prisma field -> SQL column that the caller checks
 * against its model (`satisfies Record<keyof Model, string>`): raw statements select rows in
 * the model's shape, and a row that shares a statement with another table's columns (under a
 * prefix) is taken back out with `fromRow`.
 */
export function rowMapping<M extends object>(columnOf: Record<keyof M, string>) {
  const fields = Object.keys(columnOf) as (keyof M & string)[];
  // Built on every request of the hot paths: each (alias, prefix) is built once.
  const fragments = new Map<string, Prisma.Sql>();
  // Read for every row of a page: the prefixed names are made once per prefix, not per row.
  const keysOf = new Map<string, string[]>();
  return {
    fields,
    /** every column under its field name, as `<prefix><field>` */
    columns(alias: string, prefix = ''): Prisma.Sql {
      const key = `${alias} ${prefix}`;
      let sql = fragments.get(key);
      if (!sql) {
        sql = Prisma.raw(fields.map((f) => `${alias}.${columnOf[f]} AS "${prefix}${f}"`).join(', '));
        fragments.set(key, sql);
      }
      return sql;
    },
    /** the model carried by a row selected with `columns(alias, prefix)` */
    fromRow(row: object, prefix = ''): M {
      let keys = keysOf.get(prefix);
      if (!keys) keysOf.set(prefix, (keys = fields.map((field) => prefix + field)));
      const model = {} as Record<string, unknown>;
      for (let i = 0; i < fields.length; i++) model[fields[i]!] = (row as Record<string, unknown>)[keys[i]!];
      return model as M;
    },
  };
}
