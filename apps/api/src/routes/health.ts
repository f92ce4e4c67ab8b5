/** Liveness and readiness for orchestrators: `/healthz` while the process runs, `/readyz` while it can serve. */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi"
import { Database } from "@ffynnon/db"
import { Effect } from "effect"
import type { AppEnv, Run } from "../runtime"
import { failureResponses } from "../fhir/schemas"

const Status = z.object({ status: z.string() }).openapi("HealthStatus")

export const registerHealth = (app: OpenAPIHono<AppEnv>, run: Run) => {
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      summary: "Liveness: the process is running",
      tags: ["Operations"],
      responses: { 200: { description: "Alive", content: { "application/json": { schema: Status } } } }
    }),
    (c) => c.json({ status: "ok" }, 200)
  )
  // The database is migrated before the server starts, so ready means: the database answers.
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/readyz",
    summary: "Readiness: the database is migrated and answering",
    tags: ["Operations"],
    responses: { 200: { description: "Ready", content: { "application/json": { schema: Status } } }, 503: failureResponses[503] }
  })
  app.get("/readyz", (c) =>
    run(
      c,
      Effect.flatMap(Database, (database) => database.ping),
      () => c.json({ status: "ready" }, 200)
    )
  )
}
