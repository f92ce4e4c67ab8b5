import { Releases } from "@ffynnon/db"
import { fhirCoreResources } from "@ffynnon/terminology"
import { Effect, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freshDatabaseLayer, testDatabases } from "../../../libs/db/test/databases"
import { makeApp, maxBodyBytes } from "../src/app"
import { makeRun, servicesOver, type AppEnv } from "../src/runtime"
import { OpenAPIHono } from "@hono/zod-openapi"
import { HTTPException } from "hono/http-exception"
import { validator } from "hono/validator"

const fhirJson = "application/fhir+json"
const post = (body: string, contentType = fhirJson): RequestInit => ({ method: "POST", headers: { "content-type": contentType }, body })

const expectOutcome = async (response: Response, status: number, text: RegExp) => {
  expect(response.status).toBe(status)
  expect(response.headers.get("content-type")).toContain(fhirJson)
  const body = await response.json()
  expect(body.resourceType).toBe("OperationOutcome")
  expect(body.issue[0].severity).toBe("error")
  expect(body.issue[0].details.text).toMatch(text)
  return body
}

for (const kind of testDatabases) {
  describe(`API on ${kind.name}`, () => {
    const runtime = ManagedRuntime.make(
      servicesOver(freshDatabaseLayer(kind)).pipe(Layer.provideMerge(Logger.minimumLogLevel(LogLevel.None)))
    )
    let app: ReturnType<typeof makeApp>
    beforeAll(async () => {
      app = makeApp(await runtime.runtime())
    })
    afterAll(() => runtime.dispose())

    describe("metadata", () => {
      it("is an R4 CapabilityStatement listing exactly the implemented operations", async () => {
        const response = await app.request("/fhir/metadata")
        expect(response.status).toBe(200)
        expect(response.headers.get("content-type")).toContain(fhirJson)
        const statement = await response.json()
        expect(statement).toMatchObject({ resourceType: "CapabilityStatement", status: "active", kind: "instance", fhirVersion: "4.0.1" })
        expect(statement.format).toContain("application/fhir+json")
        expect(statement.rest[0].operation).toEqual([
          { name: "versions", definition: "http://hl7.org/fhir/OperationDefinition/CapabilityStatement-versions" }
        ])
        const operations = Object.fromEntries(
          statement.rest[0].resource
            .filter((resource: { operation?: unknown }) => resource.operation !== undefined)
            .map((resource: { type: string; operation: Array<{ name: string }> }) => [
              resource.type,
              resource.operation.map((operation) => operation.name)
            ])
        )
        expect(operations).toEqual({
          CodeSystem: ["lookup", "validate-code", "subsumes"],
          ValueSet: ["expand", "validate-code", "batch-validate-code"],
          ConceptMap: ["translate"],
          Patient: ["match"]
        })
        const codeSystem = statement.rest[0].resource.find((resource: { type: string }) => resource.type === "CodeSystem")
        expect(codeSystem.interaction).toEqual([{ code: "read" }, { code: "search-type" }])
        expect(statement.implementation.url).toBe("http://localhost/fhir")
      })

      it("with mode=terminology lists the loaded code systems and their versions, newest as default", async () => {
        const builtIn = fhirCoreResources
          .filter((row) => row.resourceType === "CodeSystem")
          .map((row) => ({ uri: row.content.url, version: [{ code: "4.0.1", isDefault: true }] }))
        const empty = await (await app.request("/fhir/metadata?mode=terminology")).json()
        expect(empty).toMatchObject({ resourceType: "TerminologyCapabilities" })
        expect(empty.codeSystem).toEqual(expect.arrayContaining(builtIn))
        expect(empty.codeSystem).toHaveLength(builtIn.length)
        await runtime.runPromise(
          Effect.flatMap(Releases, (releases) =>
            Effect.forEach(["20250101", "20250401"], (version) =>
              releases.load({ kind: "test", codeSystem: "http://example.org/cs", version, sourceName: "x.zip" }, () =>
                Effect.succeed({ rowCounts: {}, sourceSha256: "0".repeat(64) })
              )
            )
          )
        )
        const loaded = await (await app.request("/fhir/metadata?mode=terminology")).json()
        expect(loaded.codeSystem).toEqual([
          {
            uri: "http://example.org/cs",
            version: [
              { code: "20250401", isDefault: true },
              { code: "20250101", isDefault: false }
            ]
          },
          ...empty.codeSystem
        ])
      })

      it("rejects an unknown mode with an OperationOutcome", async () => {
        await expectOutcome(await app.request("/fhir/metadata?mode=everything"), 400, /mode/)
      })
    })

    describe("operations", () => {
      it("answer GET with query parameters", async () => {
        const response = await app.request("/fhir/$versions?_format=json")
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({
          resourceType: "Parameters",
          parameter: [
            { name: "version", valueCode: "4.0" },
            { name: "default", valueCode: "4.0" }
          ]
        })
      })

      it("answer POST with a Parameters body, in application/fhir+json or application/json", async () => {
        for (const contentType of ["application/fhir+json; fhirVersion=4.0; charset=UTF-8", "application/json"]) {
          const response = await app.request("/fhir/$versions", post(`{"resourceType":"Parameters"}`, contentType))
          expect(response.status).toBe(200)
          expect((await response.json()).resourceType).toBe("Parameters")
        }
      })

      it("reject unknown parameters, naming them", async () => {
        await expectOutcome(await app.request("/fhir/$versions?colour=blue"), 400, /Unknown parameter 'colour'/)
        await expectOutcome(
          await app.request("/fhir/$versions", post(`{"resourceType":"Parameters","parameter":[{"name":"colour","valueString":"blue"}]}`)),
          400,
          /Unknown parameter 'colour'/
        )
      })

      it("reject malformed JSON, a body that is not Parameters, and a wrong content type", async () => {
        await expectOutcome(await app.request("/fhir/$versions", post(`{"resourceType":`)), 400, /not valid JSON/)
        await expectOutcome(await app.request("/fhir/$versions", post(`{"resourceType":"Patient"}`)), 400, /resourceType/)
        await expectOutcome(await app.request("/fhir/$versions", post(`{"resourceType":"Parameters","parameter":[{}]}`)), 400, /name/)
        await expectOutcome(await app.request("/fhir/$versions", post("version=4.0", "text/plain")), 415, /application\/fhir\+json/)
      })

      it("refuse a body over the size limit before reading it", async () => {
        const body = `{"resourceType":"Parameters","parameter":[{"name":"x","valueString":"${"a".repeat(maxBodyBytes)}"}]}`
        await expectOutcome(await app.request("/fhir/$versions", post(body)), 413, /larger than/)
      })
    })

    describe("everything else", () => {
      it("Hono's own exceptions are answered in the catalogues' words, in Welsh too", async () => {
        const probe = makeApp(await runtime.runtime())
        probe.post(
          "/fhir/probe/json",
          validator("json", (body) => body),
          (c) => c.json({}, 200)
        )
        probe.post("/fhir/probe/status", () => {
          throw new HTTPException(405)
        })
        const malformed = (headers: Record<string, string> = {}) =>
          probe.request("/fhir/probe/json", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{" })
        await expectOutcome(await malformed(), 400, /^The request body is not valid JSON\.$/)
        await expectOutcome(await malformed({ "accept-language": "cy" }), 400, /^Nid yw corff y cais yn JSON dilys\.$/)
        await expectOutcome(await probe.request("/fhir/probe/status", { method: "POST" }), 405, /^HTTP 405$/)
      })

      it("an unknown route is 404 and an unknown operation 501, both OperationOutcomes", async () => {
        await expectOutcome(await app.request("/fhir/Nothing/here"), 404, /There is no GET \/fhir\/Nothing\/here/)
        await expectOutcome(await app.request("/nowhere"), 404, /There is no GET \/nowhere/)
        await expectOutcome(await app.request("/fhir/CodeSystem/$frobnicate"), 501, /\$frobnicate is not supported/)
      })

      it("echoes a usable X-Request-Id and replaces one that is not", async () => {
        const echoed = await app.request("/healthz", { headers: { "x-request-id": "txTests:suite/test-1" } })
        expect(echoed.headers.get("x-request-id")).toBe("txTests:suite/test-1")
        const replaced = await app.request("/healthz", { headers: { "x-request-id": "<script>" } })
        expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
      })

      it("a handler that dies answers 500 with the request id and no internals", async () => {
        const probe = new OpenAPIHono<AppEnv>()
        const run = makeRun(await runtime.runtime())
        probe.use(async (c, next) => {
          c.set("requestId", "req-1")
          await next()
        })
        probe.get("/boom", (c) => run(c, Effect.die(new Error("internal detail at db.ts:42")), () => c.body(null)))
        const body = await expectOutcome(await probe.request("/boom"), 500, /unexpected error occurred \(request req-1\)/)
        expect(JSON.stringify(body)).not.toContain("db.ts")
      })

      it("is live and ready while the database answers", async () => {
        expect(await (await app.request("/healthz")).json()).toEqual({ status: "ok" })
        const ready = await app.request("/readyz")
        expect(ready.status).toBe(200)
        expect(await ready.json()).toEqual({ status: "ready" })
      })

      it("publishes an OpenAPI 3.1 document of the routes and a readable reference page", async () => {
        const document = await (await app.request("/openapi.json")).json()
        expect(document.openapi).toBe("3.1.0")
        expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/fhir/metadata", "/fhir/$versions", "/healthz", "/readyz"]))
        expect(document.paths["/fhir/$versions"].post.requestBody.content[fhirJson]).toBeDefined()
        expect(document.components.schemas.OperationOutcome).toBeDefined()
        const page = await app.request("/docs")
        expect(page.headers.get("content-type")).toContain("text/html")
        expect(await page.text()).toContain("<code>/fhir/$versions</code>")
      })
    })
  })
}
