/**
 * `ValueSet/$expand` (https://hl7.org/fhir/R4/valueset-operation-expand.html) for any value set:
 * by `url` (stored, supplied as a `tx-resource`, or one of SNOMED CT's implicit value sets) or
 * given whole as `valueSet`. The engine in `@ffynnon/terminology` does the work; this reads the
 * parameters and records the ones that shaped the expansion.
 */
import { compose, expand, onlyTheseLanguages, preferredLanguages, valueSetLanguage } from "@ffynnon/terminology"
import { Effect, Either } from "effect"
import { defineOperation } from "../fhir/operation"
import { onValueSet } from "./instance"
import { messageLanguage } from "../messages"
import { checkDisplayLanguage, requestedValueSet, sharedParameters, terminologyContext, terminologyFailure, versionRules } from "./context"

/** The largest expansion returned without paging, and the largest page a `count` can ask for. */
export const maxExpansion = 1000
export const maxPage = 10_000

/** Parameters an expansion records, as the FHIR expansion.parameter list names them. */
const echoed = [
  "activeOnly",
  "count",
  "displayLanguage",
  "excludeNested",
  "filter",
  "includeDefinition",
  "includeDesignations",
  "offset"
] as const

export const expandOperation = defineOperation({
  resource: "ValueSet",
  name: "expand",
  definition: "http://hl7.org/fhir/OperationDefinition/ValueSet-expand",
  summary: "Expand a value set: stored, supplied, or a SNOMED CT implicit value set; with text filter, paging and designations",
  unknownParameters: "ignore",
  instance: onValueSet,
  parameters: {
    url: { type: "uri" },
    valueSet: { type: "Resource" },
    valueSetVersion: { type: "string" },
    filter: { type: "string" },
    date: { type: "dateTime" },
    offset: { type: "integer" },
    count: { type: "integer" },
    includeDesignations: { type: "boolean" },
    designation: { type: "string", max: "*" },
    includeDefinition: { type: "boolean" },
    activeOnly: { type: "boolean" },
    excludeNested: { type: "boolean" },
    excludeNotForUI: { type: "boolean" },
    limitedExpansion: { type: "boolean" },
    excludePostCoordinated: { type: "boolean" },
    property: { type: "string", max: "*" },
    ...sharedParameters
  },
  handler: (input, request) =>
    Effect.gen(function* () {
      yield* checkDisplayLanguage(input.displayLanguage)
      const context = yield* terminologyContext(input["tx-resource"], input.useSupplement)
      const { valueSet, context: supplemented } = yield* requestedValueSet(context, input)
      const composition = yield* Either.mapLeft(compose(valueSet, supplemented.resolver, versionRules(input)), terminologyFailure)
      // The display language in force is recorded wherever it came from: the parameter, the Accept-Language header, the value set.
      const displayLanguage = input.displayLanguage ?? request.acceptLanguage ?? valueSetLanguage(valueSet)
      const echo: Array<{ readonly name: string } & Record<string, unknown>> = echoed.flatMap((name) => {
        const value = name === "displayLanguage" ? displayLanguage : input[name]
        if (value === undefined) return []
        const key =
          typeof value === "boolean"
            ? "valueBoolean"
            : typeof value === "number"
              ? "valueInteger"
              : name === "displayLanguage"
                ? "valueCode"
                : "valueString"
        return [{ name, [key]: value }]
      })
      echo.push(...(input.designation ?? []).map((designation) => ({ name: "designation", valueString: designation })))
      const expansion = expand(composition, {
        ...(input.filter === undefined ? {} : { filter: input.filter }),
        ...(input.offset === undefined ? {} : { offset: input.offset }),
        ...(input.count === undefined ? {} : { count: input.count }),
        activeOnly: input.activeOnly === true,
        excludeNotForUI: input.excludeNotForUI === true,
        excludePostCoordinated: input.excludePostCoordinated === true,
        limitedExpansion: input.limitedExpansion === true,
        excludeNested: input.excludeNested === true,
        includeDesignations: input.includeDesignations === true,
        ...(input.designation === undefined ? {} : { designations: input.designation }),
        includeDefinition: input.includeDefinition === true,
        languages: preferredLanguages(displayLanguage, undefined),
        onlyLanguages: onlyTheseLanguages(displayLanguage),
        properties: input.property ?? [],
        echo,
        limit: maxExpansion,
        maxPage,
        messageLanguage: messageLanguage(request.acceptLanguage)
      })
      return yield* Either.mapLeft(expansion, terminologyFailure)
    })
})
