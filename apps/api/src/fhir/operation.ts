/**
 * Registers a FHIR operation (https://hl7.org/fhir/R4/operations.html) as a GET route with query
 * parameters and a POST route with a `Parameters` body, both parsed by the operation's one
 * parameter declaration, and records it for the CapabilityStatement.
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi"
import type { Context } from "hono"
import { Effect, Either } from "effect"
import type { ApiServices, AppEnv, Run } from "../runtime"
import { outcomeResponse } from "../runtime"
import { FhirFailure, zodFailure } from "./outcome"
import { fromParameters, fromQuery, type OperationInput, type ParameterSpec, type UnknownParameters } from "./parameters"
import { failureResponses, fhirJson, ParametersSchema, ResourceSchema } from "./schemas"

export interface OperationCapability {
  /** The resource type for type-level operations; absent for system operations on the base. */
  readonly resource?: string
  readonly name: string
  /** Whether it also runs on one resource, `/fhir/{resource}/{id}/$name`. */
  readonly instanceLevel?: true
  /** Canonical URL of the OperationDefinition. */
  readonly definition: string
}

/** What an operation may read of the HTTP request besides its parameters. */
export interface OperationRequest {
  readonly acceptLanguage: string | undefined
  /** States the language the answer is in (the Content-Language header). */
  readonly answerLanguage: (language: string) => void
}

export interface OperationDefinition<Spec extends Record<string, ParameterSpec>> extends OperationCapability {
  readonly summary: string
  readonly parameters: Spec
  /**
   * Terminology operations ignore parameters they do not know: FHIR terminology clients (the
   * IG publisher, the HL7 test runner) send their own, such as a validation profile's.
   */
  readonly unknownParameters?: UnknownParameters
  readonly handler: (input: OperationInput<Spec>, request: OperationRequest) => Effect.Effect<unknown, unknown, ApiServices>
  /**
   * Makes the operation also run on one resource (`/fhir/{resource}/{id}/$name`, FHIR's instance
   * level): puts the resource in the parameters that name it at type level, and refuses a request
   * whose own parameters name another.
   */
  readonly instance?: (resource: Record<string, unknown>, input: OperationInput<Spec>) => Either.Either<OperationInput<Spec>, FhirFailure>
}

/** Finds the resource an instance-level request names by type and id, or fails with a 404 naming it. */
export type ReadInstance = (type: string, id: string) => Effect.Effect<Record<string, unknown>, FhirFailure, ApiServices>

/** Declares an operation, inferring the parameters' types from their declaration. */
export const defineOperation = <const Spec extends Record<string, ParameterSpec>>(operation: OperationDefinition<Spec>) => operation

// FHIR's general parameters (https://hl7.org/fhir/R4/http.html#parameters) apply to every interaction.
const generalParameters = new Set(["_format", "_pretty", "_summary", "_elements"])

/**
 * The routes are documented with `registerPath` and served by plain handlers: an operation's
 * answer is any resource or an OperationOutcome with any status, which the typed `openapi()`
 * handlers cannot express, and the body is read by `readParametersBody` for FHIR-shaped errors.
 */
export const registerOperation = <Spec extends Record<string, ParameterSpec>>(
  app: OpenAPIHono<AppEnv>,
  run: Run,
  operation: OperationDefinition<Spec>,
  readInstance: ReadInstance
): OperationCapability => {
  const label = `${operation.resource ?? ""}$${operation.name}`
  type Bind = (c: Context<AppEnv>, input: OperationInput<Spec>) => Effect.Effect<OperationInput<Spec>, FhirFailure, ApiServices>
  const respond = (c: Context<AppEnv>, input: Either.Either<OperationInput<Spec>, FhirFailure>, bind: Bind | undefined) =>
    Either.match(input, {
      onLeft: (failure) => outcomeResponse(c, failure),
      onRight: (input) => {
        const handle = (input: OperationInput<Spec>) =>
          operation.handler(input, {
            acceptLanguage: c.req.header("accept-language"),
            answerLanguage: (language) => c.header("Content-Language", language)
          })
        // Type-level requests go straight to the handler: a step more on every request costs the hot operations ($lookup).
        return run(c, bind === undefined ? handle(input) : Effect.flatMap(bind(c, input), handle), (resource) =>
          c.json(resource as object, 200)
        )
      }
    })
  const responses = {
    200: { description: "The operation's result", content: { [fhirJson]: { schema: ResourceSchema } } },
    ...failureResponses
  }
  const query = z.object(
    Object.fromEntries(Object.keys(operation.parameters).map((name) => [name, z.union([z.string(), z.array(z.string())]).optional()]))
  )
  const body = { required: true, content: { [fhirJson]: { schema: ParametersSchema } } }
  const tags = ["FHIR operations"]

  /** Serves GET and POST at `path`, the parsed input passed through `bind` (which may read the path) where given. */
  const serve = (path: string, bind?: Bind) => {
    app.get(path, (c) => {
      const { url } = c.req
      const queryStart = url.indexOf("?")
      const query = new URLSearchParams(queryStart === -1 ? "" : url.slice(queryStart + 1))
      for (const name of generalParameters) query.delete(name)
      return respond(c, fromQuery(label, operation.parameters, query, operation.unknownParameters), bind)
    })
    app.post(path, async (c) => {
      const parameters = await readParametersBody(c)
      return respond(
        c,
        Either.flatMap(parameters, (parameters) => fromParameters(label, operation.parameters, parameters, operation.unknownParameters)),
        bind
      )
    })
  }

  const typePath = `/fhir/${operation.resource === undefined ? "" : `${operation.resource}/`}$${operation.name}`
  app.openAPIRegistry.registerPath({ method: "get", path: typePath, summary: operation.summary, tags, request: { query }, responses })
  app.openAPIRegistry.registerPath({ method: "post", path: typePath, summary: operation.summary, tags, request: { body }, responses })
  serve(typePath)

  const { resource, instance } = operation
  if (resource !== undefined && instance !== undefined) {
    const description = `On the stored ${resource} with this id: parameters that name another ${resource} are refused`
    const params = z.object({ id: z.string().openapi({ description: `The id of the ${resource}` }) })
    const documented = { summary: operation.summary, description, tags, responses }
    app.openAPIRegistry.registerPath({
      method: "get",
      path: `/fhir/${resource}/{id}/$${operation.name}`,
      ...documented,
      request: { params, query }
    })
    app.openAPIRegistry.registerPath({
      method: "post",
      path: `/fhir/${resource}/{id}/$${operation.name}`,
      ...documented,
      request: { params, body }
    })
    // FHIR ids are letters, digits, '-' and '.' (https://hl7.org/fhir/R4/datatypes.html#id). The `$` is escaped in a
    // parameter's pattern: in a path that has parameters, Hono reads a bare `$` as the end of the path.
    serve(`/fhir/${resource}/:id{[A-Za-z0-9.-]+}/:operation{\\$${operation.name}}`, (c, input) =>
      Effect.flatMap(readInstance(resource, c.req.param("id")!), (found) => instance(found, input))
    )
  }

  const { name, definition } = operation
  return resource === undefined
    ? { name, definition }
    : { resource, name, definition, ...(instance === undefined ? {} : { instanceLevel: true }) }
}

/** Reads a request body that must be a JSON `resourceType`: 415 for another content type, 400 when it does not parse. */
export const readJsonBody = async (c: Context<AppEnv>, resourceType: string): Promise<Either.Either<unknown, FhirFailure>> => {
  const contentType = c.req.header("content-type") ?? ""
  if (!/^application\/(fhir\+)?json\b/i.test(contentType)) {
    return Either.left(
      FhirFailure.message(415, "not-supported", "body-not-fhir-json", { resourceType, contentType: contentType || "no content type" })
    )
  }
  try {
    return Either.right(await c.req.json())
  } catch {
    return Either.left(FhirFailure.message(400, "structure", "body-not-json"))
  }
}

/** Reads a POST body that must be a JSON `Parameters` resource. */
const readParametersBody = async (c: Context<AppEnv>) =>
  Either.flatMap(await readJsonBody(c, "Parameters"), (json) => {
    const parsed = ParametersSchema.safeParse(json)
    return parsed.success ? Either.right(parsed.data.parameter ?? []) : Either.left(zodFailure(parsed.error))
  })
