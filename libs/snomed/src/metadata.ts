/** SNOMED CT metadata concepts the server's behaviour depends on. */
export const Concepts = {
  root: "138875005",
  isA: "116680003",
  fullySpecifiedName: "900000000000003001",
  synonym: "900000000000013009",
  definition: "900000000000550004",
  preferred: "900000000000548007",
  acceptable: "900000000000549004",
  defined: "900000000000073002",
  inferred: "900000000000011006",
  additional: "900000000000227009",
  gbEnglish: "900000000000508004",
  usEnglish: "900000000000509007",
  ukClinical: "999001261000000100",
  ukPharmacy: "999000691000001104",
  moduleDependency: "900000000000534007",
  conceptInactivationIndicator: "900000000000489007"
} as const

/** The language reference sets a display language means, most specific first (see docs/snomed.md). */
export const languageRefsetsFor: Record<string, ReadonlyArray<string>> = {
  "en-gb": [Concepts.ukClinical, Concepts.ukPharmacy, Concepts.gbEnglish],
  "en-us": [Concepts.usEnglish]
}
