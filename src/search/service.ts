import type { AppContext } from '../core/context';
import { fetchLimit, keyset, type Connection, type PageArgs } from '../core/connection';
import { checkLength } from '../core/validate';
import { userColumns, type UserModel } from '../users/columns';

/**
 * Best match first: 0 = the exact username, 1 = a username prefix, 2 = a display-name prefix
 * only; ties by username (unique), which makes (rank, username) a keyset.
 */
const SEARCH = keyset({
  name: 'searchUsers',
  direction: 'asc',
  keys: [
    { field: 'rank', column: 'rank', type: 'int' },
    { field: 'username', column: 'username', type: 'string' },
  ],
});

type RankedUser = UserModel & { rank: number };

/** Makes user text match itself literally inside a LIKE pattern (escape character: \). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchUsers(
  ctx: AppContext,
  query: string,
  args: PageArgs,
): Promise<Connection<UserModel>> {
  const text = checkLength('query', query.trim(), 1, 64);
  const page = SEARCH.parse(args);
  // lower() on both sides in SQL, so PostgreSQL's own case folding applies to either side.
  const prefix = `${escapeLike(text)}%`;
  const rows = await ctx.prisma.$queryRaw<RankedUser[]>`
    SELECT * FROM (
      SELECT ${userColumns('u')},
        CASE WHEN u.username = lower(${text}) THEN 0
             WHEN u.username LIKE lower(${prefix}) ESCAPE '\\' THEN 1
             ELSE 2 END AS rank
      FROM users u
      WHERE (u.username LIKE lower(${prefix}) ESCAPE '\\'
         OR lower(u.display_name) LIKE lower(${prefix}) ESCAPE '\\')
        AND ${ctx.visible.user('u')}
    ) s
    WHERE ${SEARCH.sqlFrom(page.after, 's')}
    ORDER BY ${SEARCH.sqlOrderBy('s')}
    LIMIT ${fetchLimit(page)}`;
  return SEARCH.connection(rows, page, ({ rank: _rank, ...user }) => user);
}
