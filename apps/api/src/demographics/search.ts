/**
 * Patient search parameters (https://hl7.org/fhir/R4/patient.html#search): `identifier`
 * (`system|value`, `|value` or `value`), `family`, `given`, `name` (strings: the start of a
 * name of any period, ignoring case and accents), `birthdate` (`eq`, `ge`, `le`, `gt`, `lt`
 * prefixes; may repeat, all hold), `gender`, `address-postalcode` (the start, ignoring case and
 * spaces), `general-practitioner` (an ODS code, `Organization/<ODS code>` or `<system>|<ODS code>`); commas mean any
 * of the values. `_count` (default 50, at most 1000) and `_offset` page. Anything else is a 400.
 */
import { dateRange, type DatePrefix, type PatientSearch } from "@ffynnon/demographics"
import { Either } from "effect"
import { FhirFailure } from "../fhir/outcome"
import type { MessageKey } from "../messages"
import { ignoredSearchParameters, searchValueParts, unknownSearchParameters, wholeNumberParameter } from "../fhir/search"

export const patientSearchParameters = [
  { name: "identifier", type: "token" },
  { name: "family", type: "string" },
  { name: "given", type: "string" },
  { name: "name", type: "string" },
  { name: "birthdate", type: "date" },
  { name: "gender", type: "token" },
  { name: "address-postalcode", type: "string" },
  { name: "general-practitioner", type: "reference" }
] as const

const defaultCount = 50
const maxCount = 1000
const known = [...patientSearchParameters.map(({ name }) => name), "_count", "_offset"] as ReadonlyArray<string>
const genders = ["male", "female", "other", "unknown"]

export interface PatientSearchRequest {
  readonly search: PatientSearch
  readonly count: number
  readonly offset: number
}

const bad = (key: MessageKey, values: Readonly<Record<string, string>>, parameter: string) =>
  Either.left(FhirFailure.message(400, "invalid", key, values, [parameter]))

const parseValue = (name: string, value: string): Either.Either<PatientSearch, FhirFailure> => {
  const values = searchValueParts(value).map((part) => part.trim())
  if (values.some((part) => part === "")) return bad("search-empty-value", { name }, name)
  switch (name) {
    case "identifier":
      return Either.right({
        identifier: values.map((part) => {
          const bar = part.indexOf("|")
          return bar === -1 ? { value: part } : { system: bar === 0 ? null : part.slice(0, bar), value: part.slice(bar + 1) }
        })
      })
    case "family":
    case "given":
    case "name":
      return Either.right({ [name]: values })
    case "address-postalcode":
      return Either.right({ postalCode: values })
    case "gender": {
      const wrong = values.find((part) => !genders.includes(part))
      return wrong === undefined
        ? Either.right({ gender: values })
        : bad("search-gender", { genders: genders.join(", "), value: wrong }, name)
    }
    case "general-practitioner":
      // `W97001`, `Organization/W97001` or the ODS identifier `https://fhir.nhs.uk/Id/ods-organization-code|W97001`.
      return Either.right({ generalPractitioner: values.map((part) => part.replace(/^(?:Organization\/|[^|]*\|)/, "")) })
  }
  return Either.right({})
}

const parseBirthDate = (value: string) => {
  const match = /^(eq|ge|le|gt|lt)?(.*)$/.exec(value)!
  return dateRange(match[2]!) === undefined
    ? bad("search-birthdate", { value }, "birthdate")
    : Either.right({ prefix: (match[1] ?? "eq") as DatePrefix, value: match[2]! })
}

/** The search a query string asks for, or a 400 naming the parameter at fault. */
export const parsePatientSearch = (query: URLSearchParams): Either.Either<PatientSearchRequest, FhirFailure> => {
  const names = [...query.keys()].filter((name) => !ignoredSearchParameters.has(name))
  const unknown = [...new Set(names.filter((name) => !known.includes(name)))]
  if (unknown.length > 0) {
    return Either.left(unknownSearchParameters("Patient", unknown, known))
  }
  const repeated = names.find((name, position) => name !== "birthdate" && names.indexOf(name) !== position)
  if (repeated !== undefined) return bad("search-repeated", { name: repeated }, repeated)
  if (!names.some((name) => !name.startsWith("_"))) {
    return bad("patient-search-needs", { parameters: patientSearchParameters.map(({ name }) => name).join(", ") }, "Patient")
  }
  return Either.gen(function* () {
    let search: PatientSearch = {}
    for (const { name } of patientSearchParameters) {
      const value = query.get(name)
      if (value === null || name === "birthdate") continue
      search = { ...search, ...(yield* parseValue(name, value)) }
    }
    const birthdate = yield* Either.all(query.getAll("birthdate").map(parseBirthDate))
    if (birthdate.length > 0) search = { ...search, birthdate }
    const count = Math.min(yield* wholeNumberParameter("_count", query.get("_count") ?? undefined, defaultCount), maxCount)
    const offset = yield* wholeNumberParameter("_offset", query.get("_offset") ?? undefined, 0)
    return { search, count, offset }
  })
}
