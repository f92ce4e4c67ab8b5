CREATE TABLE "fhir_resource" (
	"release_id" bigint NOT NULL,
	"resource_type" text NOT NULL,
	"id" text NOT NULL,
	"url" text NOT NULL,
	"version" text,
	"name" text,
	"title" text,
	"status" text,
	"content" jsonb NOT NULL,
	CONSTRAINT "fhir_resource_release_id_resource_type_id_pk" PRIMARY KEY("release_id","resource_type","id"),
	CONSTRAINT "fhir_resource_type_check" CHECK ("fhir_resource"."resource_type" in ('CodeSystem', 'ValueSet', 'ConceptMap'))
);
--> statement-breakpoint
ALTER TABLE "fhir_resource" ADD CONSTRAINT "fhir_resource_release_id_release_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."release"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fhir_resource_url_idx" ON "fhir_resource" USING btree ("resource_type","url","version");--> statement-breakpoint
CREATE INDEX "fhir_resource_id_idx" ON "fhir_resource" USING btree ("resource_type","id");