-- Curated Welsh terms (`ffynnon load welsh <list.csv>`): one row per line of a loaded list, for
-- any code system. Welsh translation packages of SNOMED CT are SNOMED CT releases (snomed_* tables).
CREATE TABLE "welsh_term" (
	"release_id" bigint NOT NULL REFERENCES "release"("id") ON DELETE cascade,
	"line" integer NOT NULL,
	"system" text NOT NULL,
	"code" text NOT NULL,
	"term" text NOT NULL,
	"preferred" boolean NOT NULL,
	"active" boolean NOT NULL,
	"english" text,
	CONSTRAINT "welsh_term_pk" PRIMARY KEY ("release_id", "line")
);
--> statement-breakpoint
CREATE INDEX "welsh_term_code_idx" ON "welsh_term" USING btree ("system", "code");
