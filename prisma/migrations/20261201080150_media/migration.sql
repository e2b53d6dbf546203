-- AlterTable
ALTER TABLE "post_media" ADD COLUMN     "asset_key" VARCHAR(64),
ADD COLUMN     "blurhash" VARCHAR(100),
ADD COLUMN     "variants" JSONB;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "avatar_blurhash" VARCHAR(100),
ADD COLUMN     "avatar_key" VARCHAR(64),
ADD COLUMN     "avatar_variants" JSONB;

-- CreateTable
CREATE TABLE "uploads" (
    "id" BIGSERIAL NOT NULL,
    "user_id" BIGINT NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "content_type" VARCHAR(32) NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "media_garbage" (
    "id" BIGSERIAL NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "media_garbage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "media_sweeps" (
    "id" INTEGER NOT NULL,
    "scanned_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "media_sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "uploads_key_key" ON "uploads"("key");

-- CreateIndex
CREATE INDEX "uploads_user_id_idx" ON "uploads"("user_id");

-- CreateIndex
CREATE INDEX "uploads_expires_at_idx" ON "uploads"("expires_at");

-- CreateIndex
CREATE INDEX "post_media_asset_key_idx" ON "post_media"("asset_key");

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Renditions whose rows go away become garbage in the same transaction (a deleted post, its
-- author deleted, a replaced or removed avatar), so no deletion path can forget its files;
-- the sweeper removes the files and then the garbage row.
CREATE FUNCTION "media_garbage_of_post_media"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "media_garbage" ("key") SELECT "asset_key" FROM gone WHERE "asset_key" IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER "post_media_garbage" AFTER DELETE ON "post_media"
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "media_garbage_of_post_media"();

CREATE FUNCTION "media_garbage_of_avatar"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."avatar_key" IS NOT NULL AND (TG_OP = 'DELETE' OR NEW."avatar_key" IS DISTINCT FROM OLD."avatar_key") THEN
    INSERT INTO "media_garbage" ("key") VALUES (OLD."avatar_key");
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "users_avatar_garbage" AFTER UPDATE OF "avatar_key" OR DELETE ON "users"
    FOR EACH ROW EXECUTE FUNCTION "media_garbage_of_avatar"();
