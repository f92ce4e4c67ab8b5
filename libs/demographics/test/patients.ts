/** Team-written Patients for the tests: Welsh names, valid NHS numbers (check digits computed, not copied). */
import { nhsNumberCheckDigit, nhsNumberSystem } from "../src/NhsNumber"

/** A valid NHS number from nine digits (skipping the nine-digit stems that have no check digit). */
export const nhsNumber = (stem: number): string => {
  for (let candidate = stem; ; candidate++) {
    const nine = String(candidate).padStart(9, "0")
    const check = nhsNumberCheckDigit(nine)
    if (check !== undefined) return `${nine}${check}`
  }
}

export const patient = (overrides: Record<string, unknown> = {}, nhs: string | undefined = nhsNumber(943476591)) => ({
  resourceType: "Patient",
  identifier: [
    ...(nhs === undefined ? [] : [{ system: nhsNumberSystem, value: nhs }]),
    { system: "https://fhir.cardiffandvale.wales.nhs.uk/Id/hospital-number", value: "C123456" }
  ],
  name: [
    { use: "official", family: "Jones", given: ["Siân", "Eleri"] },
    { use: "maiden", family: "Pritchard", given: ["Siân"], period: { end: "2001-06-30" } }
  ],
  gender: "female",
  birthDate: "1978-03-14",
  address: [
    { use: "home", line: ["12 Heol y Frenhines"], city: "Caerdydd", postalCode: "cf10 1aa", period: { start: "2010-01-01" } },
    { use: "old", line: ["3 Stryd Fawr"], city: "Aberystwyth", postalCode: "SY23 1DE", period: { start: "1998-01-01", end: "2009-12-31" } }
  ],
  telecom: [{ system: "phone", value: "029 2000 0000", use: "home" }],
  generalPractitioner: [{ identifier: { system: "https://fhir.nhs.uk/Id/ods-organization-code", value: "W97001" } }],
  communication: [{ language: { coding: [{ system: "urn:ietf:bcp:47", code: "cy" }] }, preferred: true }],
  extension: [{ url: "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired", valueBoolean: false }],
  ...overrides
})
