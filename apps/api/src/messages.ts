/**
 * The API's own messages, one catalogue per language (`apps/api/messages/<language>.json`), chosen
 * by the request's Accept-Language: Welsh when the most preferred of the languages the catalogues
 * have is Welsh, else English. The terminology engine's messages stay in English (the HL7 test
 * suite checks their wording); these are the ones the HTTP edge raises.
 */
import { isLanguage, preferredLanguages } from "@ffynnon/terminology"
import cy from "../messages/cy.json"
import en from "../messages/en.json"

export type MessageKey = keyof typeof en
export type MessageLanguage = "en" | "cy"

// Typed against the English catalogue: a key missing in Welsh fails the type check.
const catalogues: Record<MessageLanguage, Record<MessageKey, string>> = { en, cy }

/** The message in the language, its `{placeholders}` filled in. */
export const formatMessage = (language: MessageLanguage, key: MessageKey, values: Readonly<Record<string, string | number>> = {}) =>
  catalogues[language][key].replace(/\{(\w+)\}/g, (placeholder, name: string) => (name in values ? String(values[name]) : placeholder))

/** The catalogue for an Accept-Language header: the first of its languages that has one. */
export const messageLanguage = (acceptLanguage: string | undefined): MessageLanguage => {
  const first = preferredLanguages(undefined, acceptLanguage).find((tag) => isLanguage(tag, "cy") || isLanguage(tag, "en"))
  return first !== undefined && isLanguage(first, "cy") ? "cy" : "en"
}
