/**
 * The Patient the index keeps: FHIR R4 Patient with the UK Core essentials
 * (https://simplifier.net/hl7fhirukcorer4). A record is stored as sent, with `id` and `meta` set
 * by the index; `checkPatient` checks the elements the index reads and the rules of a write
 * (NHS number check digit, real dates, periods in order), naming the element at fault.
 */
import { Either, ParseResult, Schema } from "effect"
import type { Message } from "@ffynnon/messages"
import { InvalidPatient } from "./errors"
import { demographicsMessage } from "./messages"
import { isValidNhsNumber, nhsNumberSystem } from "./NhsNumber"

export const nhsNumberVerificationStatusUrl = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
export const nhsNumberVerificationStatusSystem = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
export const odsOrganisationSystem = "https://fhir.nhs.uk/Id/ods-organization-code"

const datePattern = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/
const dateTimePattern = /^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/

/** The first and last day a FHIR date (`1960`, `1960-04`, `1960-04-23`) can be, or undefined when it is no real date. */
export const dateRange = (value: string): { readonly low: string; readonly high: string } | undefined => {
  const match = datePattern.exec(value)
  if (match === null) return undefined
  const [, year, month, day] = match
  if (month !== undefined && (Number(month) < 1 || Number(month) > 12)) return undefined
  const lastDay = (m: number) => new Date(Date.UTC(Number(year), m, 0)).getUTCDate()
  if (day !== undefined && (Number(day) < 1 || Number(day) > lastDay(Number(month)))) return undefined
  const pad = (n: number) => String(n).padStart(2, "0")
  return {
    low: `${year}-${month ?? "01"}-${day ?? "01"}`,
    high: `${year}-${month ?? "12"}-${day ?? pad(lastDay(Number(month ?? 12)))}`
  }
}

// A refinement's message is the catalogue key of its problem, said with the value where the problem is reported.
const realDate = Schema.String.pipe(Schema.filter((value) => dateRange(value) !== undefined || "element-not-real-date"))

const realDateTime = Schema.String.pipe(
  Schema.filter((value) => {
    const match = dateTimePattern.exec(value)
    const [, date, hours, minutes, seconds] = match ?? []
    const real =
      date !== undefined &&
      dateRange(date) !== undefined &&
      Number(hours ?? 0) < 24 &&
      Number(minutes ?? 0) < 60 &&
      Number(seconds ?? 0) < 60
    return real || "element-not-real-date-time"
  })
)

const Period = Schema.Struct({ start: Schema.optional(realDateTime), end: Schema.optional(realDateTime) })
const Coding = Schema.Struct({
  system: Schema.optional(Schema.String),
  code: Schema.optional(Schema.String),
  display: Schema.optional(Schema.String)
})
const CodeableConcept = Schema.Struct({ coding: Schema.optional(Schema.Array(Coding)), text: Schema.optional(Schema.String) })
const Extension = Schema.Struct({ url: Schema.String })
const Identifier = Schema.Struct({
  system: Schema.optional(Schema.String),
  value: Schema.String,
  period: Schema.optional(Period),
  extension: Schema.optional(Schema.Array(Extension))
})
const Reference = Schema.Struct({
  reference: Schema.optional(Schema.String),
  identifier: Schema.optional(Identifier),
  display: Schema.optional(Schema.String)
})

const PatientShape = Schema.Struct({
  resourceType: Schema.Literal("Patient"),
  identifier: Schema.optional(Schema.Array(Identifier)),
  active: Schema.optional(Schema.Boolean),
  name: Schema.optional(
    Schema.Array(
      Schema.Struct({
        use: Schema.optional(Schema.Literal("usual", "official", "temp", "nickname", "anonymous", "old", "maiden")),
        text: Schema.optional(Schema.String),
        family: Schema.optional(Schema.String),
        given: Schema.optional(Schema.Array(Schema.String)),
        prefix: Schema.optional(Schema.Array(Schema.String)),
        suffix: Schema.optional(Schema.Array(Schema.String)),
        period: Schema.optional(Period)
      })
    )
  ),
  telecom: Schema.optional(
    Schema.Array(
      Schema.Struct({
        system: Schema.optional(Schema.Literal("phone", "fax", "email", "pager", "url", "sms", "other")),
        value: Schema.optional(Schema.String),
        use: Schema.optional(Schema.Literal("home", "work", "temp", "old", "mobile")),
        period: Schema.optional(Period)
      })
    )
  ),
  gender: Schema.optional(Schema.Literal("male", "female", "other", "unknown")),
  birthDate: Schema.optional(realDate),
  deceasedBoolean: Schema.optional(Schema.Boolean),
  deceasedDateTime: Schema.optional(realDateTime),
  address: Schema.optional(
    Schema.Array(
      Schema.Struct({
        use: Schema.optional(Schema.Literal("home", "work", "temp", "old", "billing")),
        type: Schema.optional(Schema.Literal("postal", "physical", "both")),
        text: Schema.optional(Schema.String),
        line: Schema.optional(Schema.Array(Schema.String)),
        city: Schema.optional(Schema.String),
        district: Schema.optional(Schema.String),
        postalCode: Schema.optional(Schema.String),
        country: Schema.optional(Schema.String),
        period: Schema.optional(Period)
      })
    )
  ),
  generalPractitioner: Schema.optional(Schema.Array(Reference)),
  communication: Schema.optional(Schema.Array(Schema.Struct({ language: CodeableConcept, preferred: Schema.optional(Schema.Boolean) }))),
  link: Schema.optional(
    Schema.Array(Schema.Struct({ other: Reference, type: Schema.Literal("replaced-by", "replaces", "refer", "seealso") }))
  ),
  extension: Schema.optional(Schema.Array(Extension))
})

// Built once: building the decoder costs more than running it.
const decodePatient = Schema.decodeUnknownEither(PatientShape, { errors: "first" })

/** A Patient as the index reads it; every other element is kept as sent. */
export type PatientResource = typeof PatientShape.Type & {
  readonly id?: string
  readonly meta?: { readonly versionId?: string; readonly lastUpdated?: string }
}

const pathText = (path: ReadonlyArray<PropertyKey>) =>
  path.map((step) => (typeof step === "number" ? `[${step}]` : `.${String(step)}`)).join("")

const valueAt = (resource: unknown, path: ReadonlyArray<PropertyKey>) =>
  path.reduce<unknown>((value, step) => (value as Record<PropertyKey, unknown> | undefined)?.[step], resource)

const expectedProblems = {
  string: "element-not-string",
  boolean: "element-not-boolean",
  ReadonlyArray: "element-not-list",
  "{": "element-not-object"
} as const

const problem = (resource: unknown, { _tag, message, path }: ParseResult.ArrayFormatterIssue): Message => {
  if (_tag === "Missing") return demographicsMessage("element-missing")
  if (_tag === "Refinement" && (message === "element-not-real-date" || message === "element-not-real-date-time")) {
    return demographicsMessage(message, { value: String(valueAt(resource, path)) })
  }
  const literals = /^Expected ("[^"]*"(?: \| "[^"]*")*), actual (.*)$/.exec(message)
  if (literals !== null) return demographicsMessage("element-not-one-of", { actual: literals[2]!, allowed: literals[1]! })
  const expected = /^Expected (string|boolean|ReadonlyArray|\{)/.exec(message)?.[1] as keyof typeof expectedProblems | undefined
  // Any other problem is Effect Schema's own text, in English.
  return demographicsMessage(expected === undefined ? "element-other-problem" : expectedProblems[expected], { problem: message })
}

const invalid = (expression: string, said: Message) => Either.left(new InvalidPatient({ expression, said }))

/** Postcodes are compared upper case without spaces: `cf10 1aa` and `CF101AA` are one. */
export const normalisePostcode = (postcode: string) => postcode.replace(/\s+/g, "").toUpperCase()

/** Names are compared lower case without accents: `Siân` and `SIAN` are one. */
export const normaliseText = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim()

/** The patient's live NHS number: the identifier with the NHS number system. */
export const nhsNumberOf = (patient: PatientResource) =>
  patient.identifier?.find((identifier) => identifier.system === nhsNumberSystem)?.value

/** The ODS code of a general practitioner reference: its identifier's, or the id of `Organization/<id>`. */
export const odsCodeOf = (reference: typeof Reference.Type) =>
  reference.identifier?.value ?? /^(?:.*\/)?Organization\/([^/]+)$/.exec(reference.reference ?? "")?.[1]

const periodInOrder = (period: typeof Period.Type | undefined) =>
  period?.start === undefined || period.end === undefined || period.start.slice(0, 10) <= period.end.slice(0, 10)

/**
 * The resource, typed, when it is a Patient the index can keep; otherwise the first problem,
 * naming the element (`Patient.birthDate '1990-02-30' is not a real date`).
 */
export const checkPatient = (resource: unknown, today: string): Either.Either<PatientResource, InvalidPatient> => {
  const decoded = decodePatient(resource)
  if (Either.isLeft(decoded)) {
    const [first] = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
    const expression = `Patient${pathText(first?.path ?? [])}`
    return invalid(
      expression,
      first === undefined
        ? demographicsMessage("patient-malformed")
        : demographicsMessage("element-problem", { expression, problem: problem(resource, first) })
    )
  }
  const patient = resource as PatientResource
  const nhsNumbers = (patient.identifier ?? []).flatMap((identifier, index) =>
    identifier.system === nhsNumberSystem ? [{ identifier, index }] : []
  )
  if (nhsNumbers.length > 1) return invalid("Patient.identifier", demographicsMessage("several-nhs-numbers"))
  for (const { identifier, index } of nhsNumbers) {
    const expression = `Patient.identifier[${index}].value`
    if (!isValidNhsNumber(identifier.value)) {
      return invalid(expression, demographicsMessage("nhs-number-invalid", { value: identifier.value }))
    }
    const status = identifier.extension?.find((extension) => extension.url === nhsNumberVerificationStatusUrl) as
      { valueCodeableConcept?: typeof CodeableConcept.Type } | undefined
    const code = status?.valueCodeableConcept?.coding?.find((coding) => coding.system === nhsNumberVerificationStatusSystem)?.code
    if (status !== undefined && (code === undefined || !/^0[1-8]$/.test(code))) {
      return invalid(
        `Patient.identifier[${index}].extension`,
        demographicsMessage("nhs-number-verification-status", { system: nhsNumberVerificationStatusSystem })
      )
    }
  }
  if (patient.birthDate !== undefined && dateRange(patient.birthDate)!.low > today) {
    return invalid("Patient.birthDate", demographicsMessage("birth-date-in-future", { birthDate: patient.birthDate }))
  }
  if (
    patient.deceasedDateTime !== undefined &&
    patient.birthDate !== undefined &&
    patient.deceasedDateTime.slice(0, 10) < dateRange(patient.birthDate)!.low
  ) {
    return invalid("Patient.deceasedDateTime", demographicsMessage("deceased-before-birth"))
  }
  const periods = [
    ...(patient.name ?? []).map((name, index) => [`Patient.name[${index}].period`, name.period] as const),
    ...(patient.address ?? []).map((address, index) => [`Patient.address[${index}].period`, address.period] as const),
    ...(patient.telecom ?? []).map((telecom, index) => [`Patient.telecom[${index}].period`, telecom.period] as const)
  ]
  const backwards = periods.find(([, period]) => !periodInOrder(period))
  if (backwards !== undefined) return invalid(backwards[0], demographicsMessage("period-backwards", { expression: backwards[0] }))
  const gp = (patient.generalPractitioner ?? []).findIndex((reference) => odsCodeOf(reference) === undefined)
  if (gp !== -1) {
    return invalid(`Patient.generalPractitioner[${gp}]`, demographicsMessage("general-practitioner-not-ods"))
  }
  return Either.right(patient)
}

/** One searchable value of a record (see the `patient_key` table). */
export interface SearchKey {
  readonly key: "family" | "given" | "name-text" | "identifier" | "postcode" | "gp"
  readonly system: string | null
  readonly value: string
}

/** The search keys of a record: every name, identifier, postcode and practice, of every period. */
export const searchKeys = (patient: PatientResource): ReadonlyArray<SearchKey> => {
  const keys = new Map<string, SearchKey>()
  const add = (key: SearchKey["key"], value: string | undefined, system: string | null = null) => {
    if (value === undefined || value.trim() === "") return
    const entry = { key, system, value }
    keys.set(JSON.stringify(entry), entry)
  }
  for (const name of patient.name ?? []) {
    // A double-barrelled or multi-word surname is found by each of its words as well as whole.
    if (name.family !== undefined) {
      add("family", normaliseText(name.family))
      for (const word of normaliseText(name.family).split(/[\s-]+/)) add("family", word)
    }
    for (const given of name.given ?? []) add("given", normaliseText(given))
    for (const word of normaliseText(name.text ?? "").split(/\s+/)) add("name-text", word)
  }
  for (const identifier of patient.identifier ?? []) add("identifier", identifier.value, identifier.system ?? null)
  for (const address of patient.address ?? []) if (address.postalCode !== undefined) add("postcode", normalisePostcode(address.postalCode))
  for (const reference of patient.generalPractitioner ?? []) add("gp", odsCodeOf(reference))
  return [...keys.values()]
}
