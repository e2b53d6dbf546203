/**
 * Deterministic benchmark datasets, generated set-based inside PostgreSQL (generate_series and
 * INSERT ... SELECT, never one insert per row). Every pseudo-random choice is a hash of the
 * row's key and a salt (hashint8extended), so a dataset is the same on every run and machine.
 *
 * Bulk load: the schema comes from the project's migrations; then the loaded tables' indexes,
 * keys and foreign keys are dropped (their definitions saved from the catalog), the triggers
 * are bypassed (session_replication_role = replica) and the counters are written directly, and
 * everything is put back exactly as it was afterwards. All of it runs in one transaction that
 * starts with TRUNCATE, so with wal_level=minimal the rows skip the WAL.
 */
import pg from 'pg';

export interface DatasetSpec {
  name: string;
  users: number;
  posts: number;
  /** follows in total: celebrities' followers + heavy followers' follows + random ones */
  follows: number;
  /** users 1..celebrities are followed by about `celebrityFollowers` users each */
  celebrities: number;
  celebrityFollowers: number;
  /** the last `heavyFollowers` users follow `heavyFollowing` accounts each */
  heavyFollowers: number;
  heavyFollowing: number;
  comments: number;
  likes: number;
  /** users given a session (the harness's viewers), drawn uniformly... */
  viewers: number;
  /** ...plus this share of the heavy followers */
  heavyViewerShare: number;
  /**
   * `--privacy`: 10% of the accounts private (their follows stay accepted follows), 2% of the
   * users block someone (the follows between the two removed, as a block does), 5% mute one of
   * the accounts they follow.
   */
  privacy?: boolean;
  /**
   * distinct hashtags `tag1`..`tagN`; each post carries 0 to 3 of them, skewed to low numbers
   * (tag1 is on about 3% of the posts), as links only: the generated captions do not spell them
   */
  hashtags: number;
}

export const DATASETS: Record<string, DatasetSpec> = {
  smoke: {
    name: 'smoke',
    users: 500,
    posts: 5_000,
    follows: 10_000,
    celebrities: 2,
    celebrityFollowers: 250,
    heavyFollowers: 5,
    heavyFollowing: 100,
    comments: 15_000,
    likes: 25_000,
    viewers: 100,
    heavyViewerShare: 0.4,
    hashtags: 200,
  },
  S: {
    name: 'S',
    users: 10_000,
    posts: 100_000,
    follows: 200_000,
    celebrities: 3,
    celebrityFollowers: 5_000,
    heavyFollowers: 50,
    heavyFollowing: 500,
    comments: 300_000,
    likes: 500_000,
    viewers: 1_000,
    heavyViewerShare: 0.2,
    hashtags: 2_000,
  },
  M: {
    name: 'M',
    users: 100_000,
    posts: 1_000_000,
    follows: 2_000_000,
    celebrities: 5,
    celebrityFollowers: 50_000,
    heavyFollowers: 200,
    heavyFollowing: 1_000,
    comments: 3_000_000,
    likes: 10_000_000,
    viewers: 2_000,
    heavyViewerShare: 0.1,
    hashtags: 20_000,
  },
};

/** Every user's password; its argon2id hash is computed once and shared by all users. */
export const BENCH_PASSWORD = 'bench-password';
/** The data spans the year before this instant (fixed, so the data is reproducible). */
const END = '2026-11-01 00:00:00+00';
/** Primes coprime to the user counts: strides that enumerate distinct users. */
const STRIDES = [7919, 7927, 7933, 7937, 7949, 7951, 7963, 7993];
const LOADED_TABLES = [
  'users',
  'sessions',
  'posts',
  'post_media',
  'comments',
  'likes',
  'follows',
  'blocks',
  'mutes',
  'hashtags',
  'post_hashtags',
  'hashtag_hours',
  'notifications',
  'notification_actors',
];
const LOREM =
  'Golden hour on the harbour again. Nothing beats the light just before the rain, ' +
  'the ferries crossing, gulls everywhere and a coffee that went cold while I waited for ' +
  'the clouds to open. Shot on a borrowed lens, barely edited. More from this walk soon, ' +
  'and yes the dog made it into half of them. #nofilter #citylights #weekend #film #travel';

/** Session token of a viewer: deterministic, so the harness can recompute it. */
export const viewerToken = (userId: number | bigint) => `benchtoken_${String(userId).padStart(12, '0')}`;

export interface Generated {
  seconds: number;
  steps: Record<string, number>;
  counts: Record<string, number>;
}

/** Number of items per parent: geometric, with exactly `mean` as its expectation. */
const geometric = (salt: number, key: string, mean: number) =>
  `floor(-ln(1 - pg_temp.bench_rnd(${key}, ${salt})) / ln(1 + 1.0 / ${mean}))::int`;

export async function generateDataset(
  url: string,
  spec: DatasetSpec,
  passwordHash: string,
  log: (msg: string) => void,
): Promise<Generated> {
  for (const stride of STRIDES) {
    if (spec.users % stride === 0)
      throw new Error(`users (${spec.users}) must not be a multiple of ${stride}`);
  }
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const steps: Record<string, number> = {};
  const started = performance.now();
  const step = async (name: string, sql: string, params: unknown[] = []) => {
    const t0 = performance.now();
    await db.query(sql, params);
    steps[name] = Math.round(performance.now() - t0) / 1000;
    log(`  ${name}: ${steps[name]!.toFixed(1)} s`);
  };
  const U = spec.users;
  const P = spec.posts;
  try {
    await db.query(`SET max_parallel_workers_per_gather = 0`); // keeps row order deterministic
    await db.query(`SET work_mem = '512MB'`);
    await db.query(`
      CREATE FUNCTION pg_temp.bench_rnd(k bigint, salt bigint) RETURNS float8
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT ((hashint8extended(k, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 $$`);
    await db.query('BEGIN');
    // CASCADE: tables that only point at the loaded ones (uploads, say) start empty too.
    await step('truncate', `TRUNCATE ${LOADED_TABLES.join(', ')} CASCADE`);
    const saved = await dropConstraintsAndIndexes(db);
    await db.query(`SET LOCAL session_replication_role = replica`);

    await step(
      'users',
      `INSERT INTO users (id, username, email, password_hash, display_name, bio, avatar_url, created_at, updated_at)
       SELECT i, 'user' || i, 'user' || i || '@example.com', $1, 'User ' || i,
              CASE WHEN pg_temp.bench_rnd(i, 1) < 0.6 THEN left($2, 20 + floor(pg_temp.bench_rnd(i, 2) * 130)::int) ELSE '' END,
              CASE WHEN pg_temp.bench_rnd(i, 3) < 0.8 THEN 'https://cdn.example.com/avatars/' || i || '.jpg' END,
              t, t
       FROM generate_series(1, ${U}) i,
            LATERAL (SELECT timestamptz '${END}' - interval '730 days' + interval '365 days' * pg_temp.bench_rnd(i, 4) AS t) ts`,
      [passwordHash, LOREM],
    );
    // Ids follow time; authors are skewed towards low ids (users 1.. post the most).
    await step(
      'posts',
      `INSERT INTO posts (id, author_id, caption, created_at, like_count, comment_count)
       SELECT i, 1 + floor(${U} * pg_temp.bench_rnd(i, 10) ^ 1.6)::bigint,
              left($1, floor(pg_temp.bench_rnd(i, 11) * 200)::int),
              timestamptz '${END}' - interval '365 days' + interval '365 days' * ((i - 1 + pg_temp.bench_rnd(i, 12)) / ${P}),
              least(${U - 1}, ${geometric(13, 'i', spec.likes / P)}),
              ${geometric(14, 'i', spec.comments / P)}
       FROM generate_series(1, ${P}) i`,
      [LOREM],
    );
    await step(
      'post_media',
      `INSERT INTO post_media (post_id, position, url, alt_text, width, height)
       SELECT i, j, 'https://cdn.example.com/p/' || i || '/' || j || '.jpg',
              CASE WHEN pg_temp.bench_rnd(i * 16 + j, 52) < 0.2 THEN 'Photo ' || (j + 1) || ' of the walk' END,
              1080, (ARRAY[1080, 1350, 566])[1 + floor(pg_temp.bench_rnd(i, 53) * 3)::int]
       FROM generate_series(1, ${P}) i,
            LATERAL generate_series(0, CASE WHEN pg_temp.bench_rnd(i, 50) < 0.7 THEN 0
                                            ELSE 1 + floor(pg_temp.bench_rnd(i, 51) * 9)::int END) j`,
    );
    // Celebrities: each followed by about celebrityFollowers users. Heavy followers: the last
    // users follow heavyFollowing distinct accounts each (an arithmetic walk with a prime
    // stride). The rest: uniform followers, followees skewed to low ids. Duplicates collapse;
    // ORDER BY k LIMIT gives the exact total, deterministically.
    const H = spec.heavyFollowers;
    await step(
      'follows',
      `INSERT INTO follows (follower_id, followee_id, created_at)
       SELECT follower, followee,
              timestamptz '${END}' - interval '365 days' * pg_temp.bench_rnd(follower * ${U + 1} + followee, 22)
       FROM (
         SELECT follower, followee, min(k) AS k FROM (
           SELECT u AS follower, c AS followee, c * ${U + 1}::bigint + u AS k
           FROM generate_series(1, ${spec.celebrities}) c, generate_series(1, ${U}) u
           WHERE pg_temp.bench_rnd(u, 100 + c) < ${spec.celebrityFollowers / (U - 1)}
           UNION ALL
           SELECT v, 1 + (floor(pg_temp.bench_rnd(v, 23) * ${U})::bigint + j * (ARRAY[${STRIDES}])[1 + v % ${STRIDES.length}]) % ${U},
                  ${(spec.celebrities + 1) * (U + 1)}::bigint + v * ${spec.heavyFollowing} + j
           FROM generate_series(${U - H + 1}, ${U}) v, generate_series(0, ${spec.heavyFollowing - 1}) j
           UNION ALL
           SELECT 1 + floor(${U} * pg_temp.bench_rnd(k, 20))::bigint, 1 + floor(${U} * pg_temp.bench_rnd(k, 21) ^ 2)::bigint,
                  ${(spec.celebrities + 1 + H + 1) * (U + 1) + spec.heavyFollowing * (U + 1)}::bigint + k
           FROM generate_series(1, ${Math.ceil(spec.follows * 1.2)}) k
         ) candidates
         WHERE follower <> followee
         GROUP BY follower, followee
         ORDER BY k
         LIMIT ${spec.follows}
       ) chosen`,
    );
    if (spec.privacy) {
      await step(
        'private accounts',
        `UPDATE users SET is_private = true WHERE pg_temp.bench_rnd(id, 70) < 0.10`,
      );
      await step(
        'blocks',
        `INSERT INTO blocks (blocker_id, blocked_id, created_at)
         SELECT u, 1 + (u + floor(pg_temp.bench_rnd(u, 71) * ${U - 1})::bigint) % ${U}, timestamptz '${END}'
         FROM generate_series(1, ${U}) u
         WHERE pg_temp.bench_rnd(u, 72) < 0.02`,
      );
      await step(
        'follows between blocked',
        `DELETE FROM follows f USING blocks b
         WHERE (f.follower_id = b.blocker_id AND f.followee_id = b.blocked_id)
            OR (f.follower_id = b.blocked_id AND f.followee_id = b.blocker_id)`,
      );
      await step(
        'mutes',
        `INSERT INTO mutes (muter_id, muted_id, created_at)
         SELECT DISTINCT ON (f.follower_id) f.follower_id, f.followee_id, timestamptz '${END}'
         FROM follows f WHERE pg_temp.bench_rnd(f.follower_id, 73) < 0.05
         ORDER BY f.follower_id, pg_temp.bench_rnd(f.followee_id, 74)`,
      );
    }
    await step(
      'hashtags',
      `INSERT INTO hashtags (id, name, created_at)
       SELECT k, 'tag' || k, timestamptz '${END}' - interval '400 days' FROM generate_series(1, ${spec.hashtags}) k`,
    );
    // 0..3 tags per post (mean 1.5), tag k drawn as 1 + floor(N * u^2): low numbers are popular.
    await step(
      'post_hashtags',
      `INSERT INTO post_hashtags (post_id, hashtag_id, created_at, position, is_public)
       SELECT p.id, t.tag, p.created_at, (row_number() OVER (PARTITION BY p.id ORDER BY min(t.j)) - 1)::smallint,
              NOT u.is_private
       FROM posts p JOIN users u ON u.id = p.author_id,
            LATERAL (SELECT j, 1 + floor(${spec.hashtags} * pg_temp.bench_rnd((p.id << 4) | j, 80) ^ 2)::bigint AS tag
                     FROM generate_series(1, floor(pg_temp.bench_rnd(p.id, 81) * 4)::int) j) t
       GROUP BY p.id, t.tag, p.created_at, u.is_private`,
    );
    await step(
      'hashtag_hours',
      `INSERT INTO hashtag_hours (hashtag_id, hour, post_count)
       SELECT hashtag_id, date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00:00+00'), count(*)::int
       FROM post_hashtags WHERE is_public GROUP BY 1, 2`,
    );
    // Each post's likers: distinct users by an arithmetic walk with a prime stride.
    await step(
      'likes',
      `INSERT INTO likes (user_id, post_id, created_at)
       SELECT 1 + (floor(pg_temp.bench_rnd(p.id, 30) * ${U})::bigint + j * (ARRAY[${STRIDES}])[1 + p.id % ${STRIDES.length}]) % ${U},
              p.id, p.created_at + (timestamptz '${END}' - p.created_at) * pg_temp.bench_rnd((p.id << 20) | j, 31) ^ 2
       FROM posts p, LATERAL generate_series(0, p.like_count - 1) j`,
    );
    // Comments are inserted in time order, so ids and heap order follow time as in real life.
    await step(
      'comments',
      `INSERT INTO comments (post_id, author_id, body, created_at)
       SELECT post_id, author_id, body, created_at FROM (
         SELECT p.id AS post_id, 1 + floor(${U} * pg_temp.bench_rnd((p.id << 20) | j, 40) ^ 1.3)::bigint AS author_id,
                left($1, 10 + floor(pg_temp.bench_rnd((p.id << 20) | j, 41) * 110)::int) AS body,
                p.created_at + (timestamptz '${END}' - p.created_at) * pg_temp.bench_rnd((p.id << 20) | j, 42) ^ 3 AS created_at,
                j
         FROM posts p, LATERAL generate_series(0, p.comment_count - 1) j
       ) c
       ORDER BY created_at, post_id, j`,
      [LOREM],
    );
    await step(
      'sessions',
      `INSERT INTO sessions (user_id, token_hash, created_at, expires_at)
       SELECT u, sha256(convert_to('benchtoken_' || lpad(u::text, 12, '0'), 'UTF8')), now(), now() + interval '30 days'
       FROM generate_series(1, ${U}) u
       WHERE pg_temp.bench_rnd(u, 60) < ${spec.viewers / U}
          OR (u > ${U - H} AND pg_temp.bench_rnd(u, 61) < ${spec.heavyViewerShare})
       ORDER BY u`,
    );
    // The notifications of the users with a session (the viewers), as the API would have left
    // them: a LIKE group per post liked by others and a COMMENT per comment by another user,
    // read but for those of the last week (whose groups are open, with their key), and one read
    // FOLLOW group of all followers. Triggers are off: actor_count is written directly.
    const recent = `timestamptz '${END}' - interval '7 days'`;
    await step(
      'notifications',
      `INSERT INTO notifications (recipient_id, kind, post_id, comment_id, group_key, actor_count, created_at, updated_at, read_at)
       SELECT recipient_id, kind::notification_kind, post_id, comment_id,
              CASE WHEN kind = 'LIKE' AND updated_at > ${recent} THEN 'LIKE:' || post_id END,
              actor_count, created_at, updated_at, CASE WHEN updated_at > ${recent} THEN NULL ELSE updated_at END
       FROM (
         SELECT p.author_id AS recipient_id, 'LIKE' AS kind, p.id AS post_id, NULL::bigint AS comment_id,
                count(*)::int AS actor_count, min(l.created_at) AS created_at, max(l.created_at) AS updated_at
         FROM posts p JOIN likes l ON l.post_id = p.id AND l.user_id <> p.author_id
         WHERE p.author_id IN (SELECT user_id FROM sessions)
         GROUP BY p.id, p.author_id
         UNION ALL
         SELECT p.author_id, 'COMMENT', p.id, c.id, 1, c.created_at, c.created_at
         FROM comments c JOIN posts p ON p.id = c.post_id
         WHERE c.author_id <> p.author_id AND p.author_id IN (SELECT user_id FROM sessions)
         UNION ALL
         SELECT f.followee_id, 'FOLLOW', NULL, NULL, count(*)::int, min(f.created_at), max(f.created_at)
         FROM follows f WHERE f.followee_id IN (SELECT user_id FROM sessions)
         GROUP BY f.followee_id
       ) n
       ORDER BY n.updated_at, n.recipient_id, n.kind, n.post_id, n.comment_id`,
    );
    await step(
      'notification actors',
      `INSERT INTO notification_actors (notification_id, actor_id, acted_at)
       SELECT n.id, l.user_id, l.created_at FROM notifications n JOIN likes l ON l.post_id = n.post_id
       WHERE n.kind = 'LIKE' AND l.user_id <> n.recipient_id
       UNION ALL
       SELECT n.id, c.author_id, c.created_at FROM notifications n JOIN comments c ON c.id = n.comment_id
       WHERE n.kind = 'COMMENT'
       UNION ALL
       SELECT n.id, f.follower_id, f.created_at FROM notifications n JOIN follows f ON f.followee_id = n.recipient_id
       WHERE n.kind = 'FOLLOW'`,
    );
    await step(
      'counters',
      `UPDATE users u SET post_count = coalesce(p.n, 0), follower_count = coalesce(fr.n, 0),
                          following_count = coalesce(fg.n, 0)
       FROM users x
       LEFT JOIN (SELECT author_id AS id, count(*)::int AS n FROM posts GROUP BY 1) p ON p.id = x.id
       LEFT JOIN (SELECT followee_id AS id, count(*)::int AS n FROM follows GROUP BY 1) fr ON fr.id = x.id
       LEFT JOIN (SELECT follower_id AS id, count(*)::int AS n FROM follows GROUP BY 1) fg ON fg.id = x.id
       WHERE u.id = x.id`,
    );
    await step(
      'hashtag counters',
      `UPDATE hashtags h SET post_count = c.n
       FROM (SELECT hashtag_id AS id, count(*)::int AS n FROM post_hashtags GROUP BY 1) c WHERE h.id = c.id`,
    );
    await step(
      'sequences',
      `SELECT setval('users_id_seq', ${U}), setval('posts_id_seq', ${P}),
              setval('comments_id_seq', greatest(1, (SELECT max(id) FROM comments))),
              setval('sessions_id_seq', greatest(1, (SELECT max(id) FROM sessions))),
              setval('hashtags_id_seq', ${spec.hashtags}),
              setval('notifications_id_seq', greatest(1, (SELECT max(id) FROM notifications)))`,
    );
    await db.query(`SET LOCAL session_replication_role = origin`);
    const t0 = performance.now();
    await restoreConstraintsAndIndexes(db, saved);
    steps['indexes and keys'] = Math.round(performance.now() - t0) / 1000;
    log(`  indexes and keys: ${steps['indexes and keys']!.toFixed(1)} s`);
    await db.query('COMMIT');
    await step('vacuum analyze', `VACUUM (FREEZE, ANALYZE) ${LOADED_TABLES.join(', ')}`);
    // The first VACUUM leaves some freshly loaded tables without all-visible pages (seen on
    // PostgreSQL 15); a second pass sets them, so index-only scans work as in production.
    await step('vacuum', `VACUUM ${LOADED_TABLES.join(', ')}`);
    const { rows: visibility } = await db.query<{ relname: string; relpages: number; relallvisible: number }>(
      `SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'`,
      [LOADED_TABLES],
    );
    for (const t of visibility) {
      if (t.relallvisible < t.relpages * 0.95)
        log(`  warning: ${t.relname} ${t.relallvisible}/${t.relpages} pages all-visible`);
    }
    const counts: Record<string, number> = {};
    for (const table of LOADED_TABLES) {
      const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      counts[table] = Number(rows[0]!.n);
    }
    return { seconds: Math.round(performance.now() - started) / 1000, steps, counts };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

interface SavedSchema {
  constraints: { table: string; name: string; def: string; type: string }[];
  indexes: { name: string; def: string }[];
}

/**
 * Drops the loaded tables' keys, foreign keys and indexes, and the foreign keys of other tables
 * that point at them (a key cannot go while one depends on it); returns their definitions.
 */
async function dropConstraintsAndIndexes(db: pg.Client): Promise<SavedSchema> {
  const tables = LOADED_TABLES.map((t) => `'${t}'::regclass`).join(', ');
  const constraints = (
    await db.query<{ table: string; name: string; def: string; type: string }>(
      `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def, contype AS type
       FROM pg_constraint
       WHERE (conrelid IN (${tables}) AND contype IN ('p', 'u', 'f')) OR (confrelid IN (${tables}) AND contype = 'f')
       ORDER BY contype = 'f' DESC, conname`,
    )
  ).rows;
  const indexes = (
    await db.query<{ name: string; def: string }>(
      `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def
       FROM pg_index i WHERE indrelid IN (${tables})
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
       ORDER BY 1`,
    )
  ).rows;
  for (const c of constraints) await db.query(`ALTER TABLE ${c.table} DROP CONSTRAINT "${c.name}"`);
  for (const i of indexes) await db.query(`DROP INDEX ${i.name}`);
  return { constraints, indexes };
}

async function restoreConstraintsAndIndexes(db: pg.Client, saved: SavedSchema): Promise<void> {
  const keys = saved.constraints.filter((c) => c.type !== 'f');
  const foreign = saved.constraints.filter((c) => c.type === 'f');
  for (const c of keys) await db.query(`ALTER TABLE ${c.table} ADD CONSTRAINT "${c.name}" ${c.def}`);
  for (const i of saved.indexes) await db.query(i.def);
  for (const c of foreign) await db.query(`ALTER TABLE ${c.table} ADD CONSTRAINT "${c.name}" ${c.def}`);
}
