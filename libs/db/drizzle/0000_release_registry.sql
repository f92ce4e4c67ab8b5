CREATE TABLE "release" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "release_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"code_system" text NOT NULL,
	"version" text NOT NULL,
	"source_name" text NOT NULL,
	"source_sha256" text NOT NULL,
	"row_counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"loaded_at" timestamp with time zone,
	CONSTRAINT "release_status_check" CHECK ("release"."status" in ('loading', 'active', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "release_active_version_idx" ON "release" USING btree ("code_system","version") WHERE "release"."status" = 'active';--> statement-breakpoint
CREATE INDEX "release_kind_idx" ON "release" USING btree ("kind","loaded_at");