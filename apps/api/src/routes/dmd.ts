/**
 * dm+d navigation over HTTP, for clients that need more than the FHIR code system: the library's
 * `DmdIndex` answers (see docs/dmd.md), as plain JSON; failures are OperationOutcomes. Every route
 * takes `version` (default: the newest release).
 *
 * - `GET /dmd/products/{code}`: the product
 * - `GET /dmd/products/{code}/below?class=AMPP`, `/above?class=VTM`: along the hierarchy
 * - `GET /dmd/products/{code}/combination-children`, `/combination-parents`: combination packs
 * - `GET /dmd/products?ingredient=<ISID>|bnf=<pattern>|atc=<pattern>|gtin=<GTIN>`: products by ingredient, BNF or ATC code (`*`, `?` wildcards), GTIN
 * - `GET /dmd/codes/{code}/current`: the current code for a previous one
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi"
import { dmdClasses, DmdReleases, type DmdClass, type DmdIndex } from "@ffynnon/dmd"
import { Effect } from "effect"
import type { Context } from "hono"
import { FhirFailure } from "../fhir/outcome"
import { failureResponses } from "../fhir/schemas"
import type { AppEnv, Run } from "../runtime"

const Product = z.object({ code: z.string(), class: z.enum(dmdClasses), name: z.string(), invalid: z.boolean() }).openapi("DmdProduct")
const Products = z.object({ version: z.string(), products: z.array(Product) }).openapi("DmdProducts")

const releaseFor = (version: string | undefined) =>
  Effect.flatMap(DmdReleases, (releases) => releases.resolve(version)).pipe(
    Effect.catchTag("UnknownDmdVersion", (error) => FhirFailure.said(404, "not-found", error.said, ["version"]))
  )

const classParameter = (value: string | undefined): Effect.Effect<DmdClass | undefined, FhirFailure> =>
  value === undefined || (dmdClasses as ReadonlyArray<string>).includes(value)
    ? Effect.succeed(value as DmdClass | undefined)
    : FhirFailure.message(400, "invalid", "dmd-class-invalid", { classes: dmdClasses.join(", "), value }, ["class"])

const knownProduct = (dmd: DmdIndex, code: string) =>
  dmd.product(code) === undefined
    ? FhirFailure.message(404, "not-found", "dmd-product-not-found", { code, version: dmd.version })
    : Effect.void

const lookups = ["ingredient", "bnf", "atc", "gtin"] as const

export const registerDmdRoutes = (app: OpenAPIHono<AppEnv>, run: Run) => {
  const document = (path: string, summary: string, query: Record<string, z.ZodType>, schema: z.ZodType) =>
    app.openAPIRegistry.registerPath({
      method: "get",
      path,
      summary,
      tags: ["dm+d"],
      request: {
        query: z.object({ version: z.string().optional(), ...query }),
        ...(path.includes("{code}") ? { params: z.object({ code: z.string() }) } : {})
      },
      responses: { 200: { description: summary, content: { "application/json": { schema } } }, ...failureResponses }
    })
  const products = (c: Context<AppEnv>, answer: (dmd: DmdIndex) => Effect.Effect<ReadonlyArray<unknown>, FhirFailure>) =>
    run(
      c,
      Effect.flatMap(releaseFor(c.req.query("version")), (dmd) =>
        Effect.map(answer(dmd), (found) => ({ version: dmd.version, products: found }))
      ),
      (body) => c.json(body, 200)
    )

  document("/dmd/products/{code}", "A dm+d product", {}, z.object({ version: z.string(), product: Product }))
  app.get("/dmd/products/:code", (c) =>
    run(
      c,
      Effect.flatMap(releaseFor(c.req.query("version")), (dmd) =>
        Effect.as(knownProduct(dmd, c.req.param("code")), { version: dmd.version, product: dmd.product(c.req.param("code")) })
      ),
      (body) => c.json(body, 200)
    )
  )
  for (const direction of ["below", "above"] as const) {
    document(
      `/dmd/products/{code}/${direction}`,
      `The products ${direction} a product, optionally of one class`,
      { class: z.enum(dmdClasses).optional() },
      Products
    )
    app.get(`/dmd/products/:code/${direction}`, (c) =>
      products(c, (dmd) =>
        Effect.gen(function* () {
          const within = yield* classParameter(c.req.query("class"))
          yield* knownProduct(dmd, c.req.param("code"))
          return dmd[direction](c.req.param("code"), within)
        })
      )
    )
  }
  for (const [path, method] of [
    ["combination-children", "combinationChildren"],
    ["combination-parents", "combinationParents"]
  ] as const) {
    document(`/dmd/products/{code}/${path}`, `A combination pack's contents, or the packs containing one (${path})`, {}, Products)
    app.get(`/dmd/products/:code/${path}`, (c) =>
      products(c, (dmd) => Effect.as(knownProduct(dmd, c.req.param("code")), dmd[method](c.req.param("code"))))
    )
  }
  document(
    "/dmd/products",
    "Products by ingredient (ISID), BNF or ATC code (with * and ? wildcards) or GTIN: give one",
    Object.fromEntries(lookups.map((name) => [name, z.string().optional()])),
    Products
  )
  app.get("/dmd/products", (c) =>
    products(c, (dmd) => {
      const given = lookups.filter((name) => c.req.query(name) !== undefined)
      if (given.length !== 1) return FhirFailure.message(400, "invalid", "dmd-give-one-of", { lookups: lookups.join(", ") }, [...lookups])
      const value = c.req.query(given[0]!)!
      const answer = {
        ingredient: () => dmd.forIngredient(value),
        bnf: () => dmd.forBnf(value),
        atc: () => dmd.forAtc(value),
        gtin: () => dmd.forGtin(value)
      }
      return Effect.succeed(answer[given[0]!]())
    })
  )
  document(
    "/dmd/codes/{code}/current",
    "The current code for a previous one (VTMIDPREV, VPIDPREV, ISIDPREV, HISTORIC_CODES)",
    {},
    z.object({ version: z.string(), code: z.string(), current: z.string() })
  )
  app.get("/dmd/codes/:code/current", (c) =>
    run(
      c,
      Effect.flatMap(releaseFor(c.req.query("version")), (dmd) => {
        const code = c.req.param("code")
        const current = dmd.currentCode(code)
        return current === undefined
          ? FhirFailure.message(404, "not-found", "dmd-code-not-found", { code, version: dmd.version })
          : Effect.succeed({ version: dmd.version, code, current })
      }),
      (body) => c.json(body, 200)
    )
  )
}
