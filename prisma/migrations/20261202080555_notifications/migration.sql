-- CreateEnum
CREATE TYPE "notification_kind" AS ENUM ('LIKE', 'COMMENT', 'MENTION', 'FOLLOW', 'FOLLOW_REQUEST', 'FOLLOW_ACCEPTED');

-- CreateTable
CREATE TABLE "notifications" (
    "id" BIGSERIAL NOT NULL,
    "recipient_id" BIGINT NOT NULL,
    "kind" "notification_kind" NOT NULL,
    "post_id" BIGINT,
    "comment_id" BIGINT,
    "group_key" VARCHAR(40),
    "actor_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_actors" (
    "notification_id" BIGINT NOT NULL,
    "actor_id" BIGINT NOT NULL,
    "acted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_actors_pkey" PRIMARY KEY ("notification_id","actor_id")
);

-- CreateIndex
CREATE INDEX "notifications_recipient_id_updated_at_id_idx" ON "notifications"("recipient_id", "updated_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "notifications_recipient_id_read_at_idx" ON "notifications"("recipient_id", "read_at");

-- CreateIndex
CREATE INDEX "notifications_post_id_idx" ON "notifications"("post_id");

-- CreateIndex
CREATE INDEX "notifications_comment_id_idx" ON "notifications"("comment_id");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_recipient_id_group_key_key" ON "notifications"("recipient_id", "group_key");

-- CreateIndex
CREATE INDEX "notification_actors_notification_id_acted_at_actor_id_idx" ON "notification_actors"("notification_id", "acted_at" DESC, "actor_id" DESC);

-- CreateIndex
CREATE INDEX "notification_actors_actor_id_idx" ON "notification_actors"("actor_id");

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_comment_id_fkey" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_actors" ADD CONSTRAINT "notification_actors_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_actors" ADD CONSTRAINT "notification_actors_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- notifications.actor_count (hand-written, as the counters of the init migration): kept by a
-- statement-level trigger in the same transaction as the actor rows, under the group's row
-- lock, so concurrent likes of one post count exactly. A group left with no actor (unlike,
-- unfollow, a block, a deleted account) is deleted by the same trigger.
CREATE FUNCTION "count_notification_actors"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
    UPDATE "notifications" AS n SET "actor_count" = n."actor_count" + delta * c.n
    FROM (SELECT "notification_id" AS id, count(*)::integer AS n FROM changed GROUP BY 1) AS c
    WHERE n."id" = c.id;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM "notifications" AS n
        USING (SELECT DISTINCT "notification_id" AS id FROM changed) AS c
        WHERE n."id" = c.id AND n."actor_count" <= 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER "notification_actors_count_insert" AFTER INSERT ON "notification_actors"
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "count_notification_actors"();
CREATE TRIGGER "notification_actors_count_delete" AFTER DELETE ON "notification_actors"
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "count_notification_actors"();
