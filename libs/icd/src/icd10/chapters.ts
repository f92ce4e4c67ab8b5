/**
 * ICD-10's chapters by the ranges of three-character categories they hold, for an edition whose
 * file lists categories only (the UK's TRUD file), so its codes sit under their chapter as in
 * WHO's ClaML and a chapter can be expanded.
 */
export const icd10Chapters: ReadonlyArray<{
  readonly code: string
  readonly first: string
  readonly last: string
  readonly title: string
}> = [
  { code: "I", first: "A00", last: "B99", title: "Certain infectious and parasitic diseases" },
  { code: "II", first: "C00", last: "D48", title: "Neoplasms" },
  {
    code: "III",
    first: "D50",
    last: "D89",
    title: "Diseases of the blood and blood-forming organs and certain disorders involving the immune mechanism"
  },
  { code: "IV", first: "E00", last: "E90", title: "Endocrine, nutritional and metabolic diseases" },
  { code: "V", first: "F00", last: "F99", title: "Mental and behavioural disorders" },
  { code: "VI", first: "G00", last: "G99", title: "Diseases of the nervous system" },
  { code: "VII", first: "H00", last: "H59", title: "Diseases of the eye and adnexa" },
  { code: "VIII", first: "H60", last: "H95", title: "Diseases of the ear and mastoid process" },
  { code: "IX", first: "I00", last: "I99", title: "Diseases of the circulatory system" },
  { code: "X", first: "J00", last: "J99", title: "Diseases of the respiratory system" },
  { code: "XI", first: "K00", last: "K93", title: "Diseases of the digestive system" },
  { code: "XII", first: "L00", last: "L99", title: "Diseases of the skin and subcutaneous tissue" },
  { code: "XIII", first: "M00", last: "M99", title: "Diseases of the musculoskeletal system and connective tissue" },
  { code: "XIV", first: "N00", last: "N99", title: "Diseases of the genitourinary system" },
  { code: "XV", first: "O00", last: "O99", title: "Pregnancy, childbirth and the puerperium" },
  { code: "XVI", first: "P00", last: "P96", title: "Certain conditions originating in the perinatal period" },
  { code: "XVII", first: "Q00", last: "Q99", title: "Congenital malformations, deformations and chromosomal abnormalities" },
  {
    code: "XVIII",
    first: "R00",
    last: "R99",
    title: "Symptoms, signs and abnormal clinical and laboratory findings, not elsewhere classified"
  },
  { code: "XIX", first: "S00", last: "T98", title: "Injury, poisoning and certain other consequences of external causes" },
  { code: "XX", first: "V01", last: "Y98", title: "External causes of morbidity and mortality" },
  { code: "XXI", first: "Z00", last: "Z99", title: "Factors influencing health status and contact with health services" },
  { code: "XXII", first: "U00", last: "U85", title: "Codes for special purposes" }
]

/** The chapter a three-character category is in, if any. */
export const icd10ChapterOf = (category: string) => icd10Chapters.find((chapter) => chapter.first <= category && category <= chapter.last)
