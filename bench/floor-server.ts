/**
 * The floor: the least a server can do to answer the benchmark's home-feed request. node:http
 * and pg, no framework; ONE SQL statement (prepared) authenticates the token, picks the page
 * and builds the complete JSON response, byte for byte what Shutter answers (global ids,
 * cursors, ISO dates), which Node passes through as text.
 *
 *   DATABASE_URL=... PORT=... node --import tsx bench/floor-server.ts
 *
 * It understands only the HomeFeed operation of bench/lib/workloads.ts (variables.after, and
 * variables.first: 20 or 50).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';

/** base64url without padding, as Buffer#toString('base64url') (ids and cursors are short). */
const b64url = (expr: string) => `translate(encode(convert_to(${expr}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
const iso = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const gid = (type: string, expr: string) => b64url(`'${type}:' || ${expr}`);

function feedStatement(withCursor: boolean, pageSize: number): string {
  const after = withCursor ? `(p.created_at, p.id) < ($2::timestamptz, $3::bigint)` : 'TRUE';
  return `
    WITH viewer AS (
      SELECT s.user_id AS id FROM sessions s WHERE s.token_hash = $1 AND s.expires_at > now()
    ),
    page AS (
      SELECT p.*, ${b64url(`'["feed","' || ${iso('p.created_at')} || '","' || p.id || '"]'`)} AS cursor
      FROM (
        SELECT k.id, k.created_at FROM viewer v
        CROSS JOIN LATERAL (
          SELECT f.followee_id AS id FROM follows f
          WHERE f.follower_id = v.id
            AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.muter_id = v.id AND m.muted_id = f.followee_id)
            AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = v.id AND b.blocked_id = f.followee_id)
            AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = f.followee_id AND b.blocked_id = v.id)
          UNION SELECT v.id
        ) author
        CROSS JOIN LATERAL (
          SELECT p.id, p.created_at FROM posts p
          WHERE p.author_id = author.id AND ${after}
          ORDER BY p.created_at DESC, p.id DESC LIMIT ${pageSize + 1}
        ) k
        ORDER BY k.created_at DESC, k.id DESC LIMIT ${pageSize + 1}
      ) top
      JOIN posts p ON p.id = top.id
    ),
    edges AS (SELECT * FROM page ORDER BY created_at DESC, id DESC LIMIT ${pageSize})
    SELECT json_build_object('data', json_build_object('feed', json_build_object(
      'edges', coalesce((
        SELECT json_agg(json_build_object('cursor', p.cursor, 'node', json_build_object(
          'id', ${gid('Post', 'p.id')},
          'caption', p.caption,
          'createdAt', ${iso('p.created_at')},
          'author', (SELECT json_build_object('id', ${gid('User', 'u.id')}, 'username', u.username,
                                              'displayName', u.display_name, 'avatarUrl', u.avatar_url)
                     FROM users u WHERE u.id = p.author_id),
          'media', coalesce((SELECT json_agg(json_build_object('url', m.url, 'altText', m.alt_text,
                                                               'width', m.width, 'height', m.height)
                                             ORDER BY m.position)
                             FROM post_media m WHERE m.post_id = p.id), '[]'),
          'likeCount', p.like_count,
          'commentCount', p.comment_count,
          'viewerHasLiked', EXISTS (SELECT 1 FROM likes l, viewer v WHERE l.user_id = v.id AND l.post_id = p.id),
          'comments', json_build_object('edges', coalesce((
            SELECT json_agg(json_build_object('node', json_build_object(
                     'id', ${gid('Comment', 'c.id')}, 'body', c.body,
                     'author', json_build_object('username', cu.username)))
                   ORDER BY c.created_at, c.id)
            FROM (SELECT * FROM comments c WHERE c.post_id = p.id ORDER BY c.created_at, c.id LIMIT 3) c
            JOIN users cu ON cu.id = c.author_id), '[]'))
        )) ORDER BY p.created_at DESC, p.id DESC)
        FROM edges p), '[]'),
      'pageInfo', json_build_object(
        'hasNextPage', (SELECT count(*) FROM page) > ${pageSize},
        'endCursor', (SELECT cursor FROM edges ORDER BY created_at, id LIMIT 1))
    )))::text AS body`;
}

/** The page sizes the benchmark asks for (`first`, 20 by default): a prepared statement each. */
const STATEMENTS = new Map(
  [20, 50].map((first) => [
    first,
    {
      firstPage: { name: `floor_feed_first_${first}`, text: feedStatement(false, first) },
      nextPage: { name: `floor_feed_after_${first}`, text: feedStatement(true, first) },
    },
  ]),
);

/** Shutter's feed cursor: base64url(JSON ["feed", isoDate, "id"]). */
function parseCursor(cursor: string): [string, string] {
  const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Array.isArray(parsed) || parsed[0] !== 'feed' || parsed.length !== 3) throw new Error('bad cursor');
  return [String(parsed[1]), String(parsed[2])];
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function startFloor(url: string, port: number, poolSize: number): http.Server {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', (err) => console.error('floor pool error', err.message));
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, '{"status":"ok"}');
    readBody(req)
      .then(async (text) => {
        const { variables } = JSON.parse(text) as { variables?: { after?: string | null; first?: number } };
        const statements = STATEMENTS.get(variables?.first ?? 20);
        if (!statements) return send(res, 400, '{"errors":[{"message":"unsupported first"}]}');
        const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!token) return send(res, 401, '{"errors":[{"message":"UNAUTHENTICATED"}]}');
        const tokenHash = createHash('sha256').update(token).digest();
        const after = variables?.after;
        const query = after
          ? { ...statements.nextPage, values: [tokenHash, ...parseCursor(after)] }
          : { ...statements.firstPage, values: [tokenHash] };
        const { rows } = await pool.query<{ body: string }>(query);
        send(res, 200, rows[0]!.body);
      })
      .catch((error: Error) => send(res, 500, JSON.stringify({ errors: [{ message: error.message }] })));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  return server;
}

if (require.main === module) {
  startFloor(
    process.env.DATABASE_URL!,
    Number(process.env.PORT),
    Number(process.env.DATABASE_POOL_SIZE ?? 10),
  );
}
