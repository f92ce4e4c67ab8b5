/** zod schemas of the FHIR shapes the API reads and writes, for validation and the OpenAPI document. */
import { z } from "@hono/zod-openapi"

export const OperationOutcomeSchema = z
  .object({
    resourceType: z.literal("OperationOutcome"),
    issue: z.array(
      z.object({
        severity: z.enum(["fatal", "error", "warning", "information"]),
        code: z.string(),
        details: z.object({ text: z.string() }).optional(),
        diagnostics: z.string().optional(),
        expression: z.array(z.string()).optional()
      })
    )
  })
  .openapi("OperationOutcome")

export const ParametersSchema = z
  .object({
    resourceType: z.literal("Parameters"),
    parameter: z.array(z.looseObject({ name: z.string().min(1) })).optional()
  })
  .openapi("Parameters", { description: "FHIR R4 Parameters: https://hl7.org/fhir/R4/parameters.html" })

/** Any FHIR resource: only `resourceType` is checked. */
export const ResourceSchema = z.looseObject({ resourceType: z.string() }).openapi("Resource")

export const fhirJson = "application/fhir+json"

/** The failure answers every FHIR route may give, for the OpenAPI document. */
export const failureResponses = {
  400: { description: "Invalid request", content: { [fhirJson]: { schema: OperationOutcomeSchema } } },
  404: { description: "Not found", content: { [fhirJson]: { schema: OperationOutcomeSchema } } },
  413: { description: "Request body too large", content: { [fhirJson]: { schema: OperationOutcomeSchema } } },
  415: { description: "Not a FHIR JSON body", content: { [fhirJson]: { schema: OperationOutcomeSchema } } },
  422: { description: "Too costly (an expansion too large without paging)", content: { [fhirJson]: { schema: OperationOutcomeSchema } } },
  500: { description: "Unexpected error", content: { [fhirJson]: { schema: OperationOutcomeSchema } } },
  503: { description: "Database unavailable", content: { [fhirJson]: { schema: OperationOutcomeSchema } } }
} as const
