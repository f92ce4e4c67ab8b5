/** What every FHIR search route reads the same way: general parameters, value lists, paging numbers. */
import { Either } from "effect"
import { FhirFailure } from "./outcome"

/** General parameters (https://hl7.org/fhir/R4/http.html#parameters) that do not change a JSON answer. */
export const ignoredSearchParameters = new Set(["_format", "_pretty"])

/** A search value's parts: separated by commas, which mean any of them; `\,` is a comma inside a part. */
export const searchValueParts = (value: string) => value.split(/(?<!\\),/).map((part) => part.replaceAll("\\,", ","))

/** A 400 naming the search parameters `type` does not know, and those it does. */
export const unknownSearchParameters = (type: string, unknown: ReadonlyArray<string>, supported: ReadonlyArray<string>) =>
  unknown.length === 1
    ? FhirFailure.message(
        400,
        "not-supported",
        "search-parameter-unknown",
        { name: unknown[0]!, type, supported: supported.join(", ") },
        unknown
      )
    : FhirFailure.message(
        400,
        "not-supported",
        "search-parameters-unknown",
        { names: unknown.map((name) => `'${name}'`).join(", "), type, supported: supported.join(", ") },
        unknown
      )

/** A paging number (`_count`, `_offset`): a whole number of 0 or more, `fallback` when absent. */
export const wholeNumberParameter = (name: string, value: string | undefined, fallback: number) => {
  if (value === undefined) return Either.right(fallback)
  return /^\d+$/.test(value)
    ? Either.right(Number(value))
    : Either.left(FhirFailure.message(400, "invalid", "search-not-whole-number", { name, value }, [name]))
}
