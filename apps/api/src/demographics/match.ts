/**
 * `POST /fhir/Patient/$match` (https://hl7.org/fhir/R4/patient-operation-match.html): the input
 * Parameters checked, and the answer as a searchset Bundle whose entries carry the calibrated
 * probability, FHIR's match-grade and our explanation of the score (docs/matching.md).
 */
import { checkPatient, nhsNumberOf, type MatchAnswer, type MatchRequest, type PatientResource } from "@ffynnon/demographics"
import { Either } from "effect"
import { FhirFailure } from "../fhir/outcome"
import type { MessageKey } from "../messages"

export const matchGradeUrl = "http://hl7.org/fhir/StructureDefinition/match-grade"
export const matchExplanationUrl = "https://ffynnon.nhs.wales/fhir/StructureDefinition/match-explanation"

const defaultCount = 10
export const maxCount = 100
/** Longest name part, address line or postcode accepted: longer is not a name, and would only cost work. */
export const maxTextLength = 200
/** Most names, addresses, given names of a name or lines of an address a query may give. */
const maxEntries = 20

const bad = (
  key: MessageKey,
  values: Readonly<Record<string, string | number>>,
  expression: string,
  code: "invalid" | "required" | "structure" | "not-supported" = "invalid"
) => Either.left(FhirFailure.message(400, code, key, values, [expression]))

interface Parameter {
  readonly name?: unknown
  readonly resource?: unknown
  readonly valueBoolean?: unknown
  readonly valueInteger?: unknown
}

const known = ["resource", "onlyCertainMatches", "count"]

/** The longest text of the query's names and addresses, with where it is, for the length bound. */
const tooLong = (resource: PatientResource) => {
  const texts = [
    ...(resource.name ?? []).flatMap((name, i) => [
      ...(name.given ?? []).map((given, j) => [`Patient.name[${i}].given[${j}]`, given] as const),
      [`Patient.name[${i}].family`, name.family ?? ""] as const
    ]),
    ...(resource.address ?? []).flatMap((address, i) => [
      ...(address.line ?? []).map((line, j) => [`Patient.address[${i}].line[${j}]`, line] as const),
      [`Patient.address[${i}].postalCode`, address.postalCode ?? ""] as const
    ])
  ]
  return texts.find(([, text]) => text.length > maxTextLength)?.[0]
}

/**
 * The request a Parameters body asks for, or a 400 naming the parameter at fault. The minimum to
 * match safely: a valid NHS number, or a family name and a full birth date.
 */
export const parseMatchRequest = (body: unknown, today: string): Either.Either<MatchRequest, FhirFailure> =>
  Either.gen(function* () {
    const parameters =
      (body as { resourceType?: unknown; parameter?: unknown } | null)?.resourceType === "Parameters"
        ? (body as { parameter?: unknown }).parameter
        : undefined
    if (!Array.isArray(parameters)) return yield* bad("match-send-parameters", {}, "Parameters", "structure")
    const list = parameters as ReadonlyArray<Parameter>
    const unknown = list.find((parameter) => typeof parameter?.name !== "string" || !known.includes(parameter.name))
    if (unknown !== undefined)
      return yield* bad(
        "match-parameter-unknown",
        { name: String(unknown?.name), supported: known.join(", ") },
        String(unknown?.name),
        "not-supported"
      )
    const repeated = known.find((name) => list.filter((parameter) => parameter.name === name).length > 1)
    if (repeated !== undefined) return yield* bad("match-parameter-repeated", { name: repeated }, repeated)
    const named = (name: string) => list.find((parameter) => parameter.name === name)

    const input = named("resource")?.resource as { resourceType?: unknown } | undefined
    if (input === undefined) return yield* bad("match-resource-required", {}, "resource", "required")
    if (input?.resourceType !== "Patient")
      return yield* bad("match-resource-not-patient", { type: JSON.stringify(input?.resourceType ?? null) }, "resource")
    const resource = yield* Either.mapLeft(checkPatient(input, today), (invalid) =>
      FhirFailure.said(400, "invalid", invalid.said, [invalid.expression])
    )
    const lists = [
      ["Patient.name", resource.name?.length ?? 0],
      ["Patient.address", resource.address?.length ?? 0],
      ...(resource.name ?? []).map((name, i) => [`Patient.name[${i}].given`, name.given?.length ?? 0] as const),
      ...(resource.address ?? []).map((address, i) => [`Patient.address[${i}].line`, address.line?.length ?? 0] as const)
    ] as const
    const crowded = lists.find(([, length]) => length > maxEntries)?.[0]
    if (crowded !== undefined) return yield* bad("match-too-many-entries", { expression: crowded, max: maxEntries }, crowded)
    const long = tooLong(resource)
    if (long !== undefined) return yield* bad("match-text-too-long", { expression: long, max: maxTextLength }, long)

    // checkPatient has refused an NHS number that fails its check digit. A number alone is not
    // enough: the model's weight for it does not outweigh the prior (it could be mistyped).
    const hasNhsNumber = nhsNumberOf(resource) !== undefined
    const hasFamily = (resource.name ?? []).some((name) => (name.family ?? "").trim() !== "")
    const fullBirthDate = /^\d{4}-\d{2}-\d{2}$/.test(resource.birthDate ?? "")
    if (!(hasFamily && fullBirthDate) && !(hasNhsNumber && (hasFamily || fullBirthDate)))
      return yield* bad("match-too-little", {}, "resource", "required")

    const onlyCertain = named("onlyCertainMatches")
    if (onlyCertain !== undefined && typeof onlyCertain.valueBoolean !== "boolean")
      return yield* bad("match-only-certain-not-boolean", {}, "onlyCertainMatches")
    const count = named("count")
    if (
      count !== undefined &&
      !(Number.isInteger(count.valueInteger) && (count.valueInteger as number) >= 1 && (count.valueInteger as number) <= maxCount)
    )
      return yield* bad("match-count-out-of-range", { max: maxCount }, "count")
    return {
      resource,
      count: (count?.valueInteger as number | undefined) ?? defaultCount,
      onlyCertainMatches: (onlyCertain?.valueBoolean as boolean | undefined) ?? false
    }
  })

// Weights rounded for reading: four decimals say more than the model knows.
const rounded = (value: number) => Math.round(value * 10_000) / 10_000

const matchEntries = (base: string, answer: MatchAnswer) =>
  answer.matches.map(({ patient, grade, score }) => ({
    fullUrl: `${base}/Patient/${patient.id}`,
    resource: patient,
    search: {
      extension: [
        { url: matchGradeUrl, valueCode: grade },
        {
          url: matchExplanationUrl,
          extension: [
            { url: "model", valueString: answer.modelVersion },
            { url: "weight", valueDecimal: rounded(score.weight) },
            { url: "priorWeight", valueDecimal: rounded(score.priorWeight) },
            ...score.comparisons.map((comparison) => ({
              url: "comparison",
              extension: [
                { url: "name", valueCode: comparison.comparison },
                ...(comparison.level === null ? [] : [{ url: "level", valueCode: comparison.level }]),
                { url: "weight", valueDecimal: rounded(comparison.weight) },
                { url: "termFrequencyAdjustment", valueDecimal: rounded(comparison.termFrequencyAdjustment) }
              ]
            }))
          ]
        }
      ],
      mode: "match",
      score: score.probability
    }
  }))

/** The searchset Bundle: best first, each entry with its probability, grade and explanation; no `entry` when none (FHIR has no empty arrays). */
export const matchBundle = (base: string, answer: MatchAnswer) => ({
  resourceType: "Bundle",
  type: "searchset",
  total: answer.matches.length,
  ...(answer.matches.length === 0 ? {} : { entry: matchEntries(base, answer) })
})
