-- Follow counters lock the users they change in id order. The function this replaces updated
-- the followees, then the followers: A following B while B follows A locked B then A, and A
-- then B, and one of the two was aborted as a deadlock. Rare while a follow was one
-- statement; once a follow's transaction also writes its notification, the locks are held
-- for a round trip longer and 56 concurrent follows among 8 accounts ran out of retries.
-- Rows locked by a SELECT ... ORDER BY ... FOR NO KEY UPDATE are locked in that order.
CREATE OR REPLACE FUNCTION "count_follows"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
    PERFORM 1 FROM "users" AS u
    WHERE u."id" IN (SELECT "followee_id" FROM changed UNION SELECT "follower_id" FROM changed)
    ORDER BY u."id"
    FOR NO KEY UPDATE;
    UPDATE "users" AS u SET "follower_count" = u."follower_count" + delta * c.n
    FROM (SELECT "followee_id" AS id, count(*)::integer AS n FROM changed GROUP BY 1) AS c
    WHERE u."id" = c.id;
    UPDATE "users" AS u SET "following_count" = u."following_count" + delta * c.n
    FROM (SELECT "follower_id" AS id, count(*)::integer AS n FROM changed GROUP BY 1) AS c
    WHERE u."id" = c.id;
    RETURN NULL;
END
$$;
