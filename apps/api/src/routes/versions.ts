/**
 * `$versions` (https://hl7.org/fhir/R4/capabilitystatement-operation-versions.html): the FHIR
 * versions this server speaks. Clients such as the HL7 validator ask it before anything else.
 */
import { Effect } from "effect"
import { defineOperation } from "../fhir/operation"

export const versionsOperation = defineOperation({
  name: "versions",
  definition: "http://hl7.org/fhir/OperationDefinition/CapabilityStatement-versions",
  summary: "The FHIR versions this server supports",
  parameters: {},
  handler: () =>
    Effect.succeed({
      resourceType: "Parameters",
      parameter: [
        { name: "version", valueCode: "4.0" },
        { name: "default", valueCode: "4.0" }
      ]
    })
})
