import type { ValueSetResource } from "./fhir"
import { message, type Message, type MessageLanguage } from "./messages"
import type { CodeSystemProvider } from "./provider"
import { expansionParameter } from "./valueset/engine"

/** Language preferences from `displayLanguage` or an HTTP `Accept-Language` header. */

/** Whether a language list refuses every language it does not name (`*; q=0`). */
export const onlyTheseLanguages = (list: string | undefined) =>
  list !== undefined && list.split(",").some((part) => /^\s*\*\s*;\s*q=0(\.0*)?\s*$/.test(part))

/** Language lists parsed, by their text: clients send few distinct ones, and every request with one parses it. */
const parsedLists = new Map<string, ReadonlyArray<string>>()
const noLanguages: ReadonlyArray<string> = Object.freeze([])

/** Language tags in order of preference from `displayLanguage`, else `Accept-Language` (weights honoured). */
export const preferredLanguages = (displayLanguage: string | undefined, acceptLanguage: string | undefined): ReadonlyArray<string> => {
  const list = displayLanguage ?? acceptLanguage
  if (list === undefined) return noLanguages
  const known = parsedLists.get(list)
  if (known !== undefined) return known
  const parsed = Object.freeze(parseLanguages(list))
  // Bounded, so hostile headers cannot grow it.
  if (parsedLists.size < 256) parsedLists.set(list, parsed)
  return parsed
}

const parseLanguages = (list: string) =>
  list
    .split(",")
    .map((part, position) => {
      const [tag = "", ...parameters] = part.trim().split(";")
      const weight = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined)
      return { tag: tag.trim(), weight: weight === undefined ? 1 : Number(weight), position }
    })
    .filter(({ tag, weight }) => tag.length > 0 && tag !== "*" && weight > 0)
    .sort((a, b) => b.weight - a.weight || a.position - b.position)
    .map(({ tag }) => tag)

/**
 * The display language a value set asks for: a `displayLanguage` expansion parameter in its
 * compose (http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter), else its own
 * `language`.
 */
export const valueSetLanguage = (valueSet: ValueSetResource): string | undefined =>
  expansionParameter(valueSet, "displayLanguage") ?? valueSet.language

/** Whether a BCP-47 tag is in `language` (`cy` covers `cy-GB`). */
export const isLanguage = (tag: string, language: string) => {
  const lower = tag.toLowerCase()
  return lower === language || lower.startsWith(`${language}-`)
}

/**
 * The message catalogue for languages in order of preference (`preferredLanguages`): the first of
 * them that has one; English when none does.
 */
export const messageLanguageOf = (languages: ReadonlyArray<string>): MessageLanguage => {
  const first = languages.find((tag) => isLanguage(tag, "cy") || isLanguage(tag, "en"))
  return first !== undefined && isLanguage(first, "cy") ? "cy" : "en"
}

const primaryLanguage = (tag: string) => {
  const dash = tag.indexOf("-")
  return (dash < 0 ? tag : tag.slice(0, dash)).toLowerCase()
}

/**
 * Why the displays are not in the languages asked for, when none of them is: the languages the
 * server has displays in (`served`, where known) share no language with the request's (`en-US`
 * is answered by `en-GB`). Nothing when no language was asked for or the displays' are not known.
 */
export const languageFallback = (
  languages: ReadonlyArray<string>,
  served: ReadonlyArray<string | undefined>,
  several: boolean
): Message | undefined => {
  if (languages.length === 0) return undefined
  const known = [...new Set(served.filter((language) => language !== undefined))]
  const asked = (language: string) => languages.some((tag) => primaryLanguage(tag) === primaryLanguage(language))
  if (known.length === 0 || known.some(asked)) return undefined
  const values = { requested: languages.join(", "), served: known.join(", ") }
  return message(several ? "displays-not-in-requested-languages" : "display-not-in-requested-languages", values)
}

/**
 * Whether answers state each display's language: when Welsh is the most preferred language, a
 * display may be Welsh or fall back to English, and the client must be able to tell. Only then:
 * other requests are answered exactly as before, as the HL7 ecosystem tests (which ask in `de`,
 * `uz`, …) expect, and English speakers see no difference.
 */
export const statesDisplayLanguage = (languages: ReadonlyArray<string>) => languages[0] !== undefined && isLanguage(languages[0], "cy")

/** The language of the provider's display of a concept for the languages, where known. */
export const displayLanguageOf = <C>(provider: CodeSystemProvider<C>, concept: C, languages: ReadonlyArray<string>) =>
  provider.displayLanguage?.(concept, languages) ?? provider.language

/** A primitive element's extension stating its language (`_display`, `_valueString`): http://hl7.org/fhir/StructureDefinition/language. */
export const elementLanguage = (language: string) => ({
  extension: [{ url: "http://hl7.org/fhir/StructureDefinition/language", valueCode: language }]
})
