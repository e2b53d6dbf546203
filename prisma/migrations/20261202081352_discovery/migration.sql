-- CreateTable
CREATE TABLE "hashtags" (
    "id" BIGSERIAL NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "post_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "hashtags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "post_hashtags" (
    "post_id" BIGINT NOT NULL,
    "hashtag_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "position" SMALLINT NOT NULL,
    "is_public" BOOLEAN NOT NULL,

    CONSTRAINT "post_hashtags_pkey" PRIMARY KEY ("post_id","hashtag_id")
);

-- CreateTable
CREATE TABLE "hashtag_hours" (
    "hashtag_id" BIGINT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "post_count" INTEGER NOT NULL,

    CONSTRAINT "hashtag_hours_pkey" PRIMARY KEY ("hashtag_id","hour")
);

-- CreateTable
CREATE TABLE "post_mentions" (
    "post_id" BIGINT NOT NULL,
    "user_id" BIGINT NOT NULL,
    "position" SMALLINT NOT NULL,

    CONSTRAINT "post_mentions_pkey" PRIMARY KEY ("post_id","user_id")
);

-- CreateTable
CREATE TABLE "comment_mentions" (
    "comment_id" BIGINT NOT NULL,
    "user_id" BIGINT NOT NULL,
    "position" SMALLINT NOT NULL,

    CONSTRAINT "comment_mentions_pkey" PRIMARY KEY ("comment_id","user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "hashtags_name_key" ON "hashtags"("name");

-- CreateIndex
CREATE INDEX "hashtags_name_prefix_idx" ON "hashtags" USING SPGIST ("name" text_ops);

-- CreateIndex
CREATE INDEX "post_hashtags_hashtag_id_created_at_post_id_idx" ON "post_hashtags"("hashtag_id", "created_at" DESC, "post_id" DESC);

-- CreateIndex
CREATE INDEX "hashtag_hours_hour_hashtag_id_post_count_idx" ON "hashtag_hours"("hour", "hashtag_id", "post_count");

-- CreateIndex
CREATE INDEX "post_mentions_user_id_idx" ON "post_mentions"("user_id");

-- CreateIndex
CREATE INDEX "comment_mentions_user_id_idx" ON "comment_mentions"("user_id");

-- AddForeignKey
ALTER TABLE "post_hashtags" ADD CONSTRAINT "post_hashtags_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_hashtags" ADD CONSTRAINT "post_hashtags_hashtag_id_fkey" FOREIGN KEY ("hashtag_id") REFERENCES "hashtags"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hashtag_hours" ADD CONSTRAINT "hashtag_hours_hashtag_id_fkey" FOREIGN KEY ("hashtag_id") REFERENCES "hashtags"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_mentions" ADD CONSTRAINT "post_mentions_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_mentions" ADD CONSTRAINT "post_mentions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "comment_mentions" ADD CONSTRAINT "comment_mentions_comment_id_fkey" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "comment_mentions" ADD CONSTRAINT "comment_mentions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: what Prisma cannot express.

-- hashtags.post_count, and hashtag_hours for the links of public posts (trendingHashtags).
-- Statement-level like the counters of the init migration: exact under concurrency and through
-- cascading deletes, in the transaction of the change. Hours are whole UTC hours of the post's
-- creation (date_bin, not date_trunc, which would follow the session's time zone).
CREATE FUNCTION "count_hashtags"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
    -- Lock the tags in name order, the order linking (src/discovery/link.ts) locks them in, so
    -- a delete and a post sharing tags wait for each other instead of deadlocking.
    PERFORM 1 FROM "hashtags" WHERE "id" IN (SELECT "hashtag_id" FROM changed) ORDER BY "name" FOR UPDATE;
    UPDATE "hashtags" AS h SET "post_count" = h."post_count" + delta * c.n
    FROM (SELECT "hashtag_id" AS id, count(*)::integer AS n FROM changed GROUP BY 1) AS c
    WHERE h."id" = c.id;
    INSERT INTO "hashtag_hours" AS hh ("hashtag_id", "hour", "post_count")
    SELECT "hashtag_id", date_bin('1 hour', "created_at", TIMESTAMPTZ '2000-01-01 00:00:00+00'), delta * count(*)::integer
    FROM changed WHERE "is_public"
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("hashtag_id", "hour") DO UPDATE SET "post_count" = hh."post_count" + EXCLUDED."post_count";
    RETURN NULL;
END
$$;

CREATE TRIGGER "post_hashtags_count_insert" AFTER INSERT ON "post_hashtags"
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "count_hashtags"();
CREATE TRIGGER "post_hashtags_count_delete" AFTER DELETE ON "post_hashtags"
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "count_hashtags"();
