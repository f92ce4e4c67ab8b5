/**
 * The API's own messages, one catalogue per language (`apps/api/messages/<language>.json`), chosen
 * by the request's Accept-Language: Welsh when the most preferred of the languages the catalogues
 * have is Welsh, else English. The terminology engine's messages stay in English (the HL7 test
 * suite checks their wording); these are the ones the HTTP edge raises.
 */
import { isLanguage, preferredLanguages } from "@ffynnon/terminology"
import type { OperationOutcomeIssue } from "./fhir/outcome"
import cy from "../messages/cy.json"
import en from "../messages/en.json"

export type MessageKey = keyof typeof en
export type MessageLanguage = "en" | "cy"

// Typed against the English catalogue: a key missing in Welsh fails the type check.
const catalogues: Record<MessageLanguage, Record<MessageKey, string>> = { en, cy }

/** The message in the language, its `{placeholders}` filled in. */
export const formatMessage = (language: MessageLanguage, key: MessageKey, values: Values = {}) =>
  catalogues[language][key].replace(/\{(\w+)\}/g, (placeholder, name: string) => (name in values ? String(values[name]) : placeholder))

/** The catalogue for an Accept-Language header: the first of its languages that has one. */
export const messageLanguage = (acceptLanguage: string | undefined): MessageLanguage => {
  const first = preferredLanguages(undefined, acceptLanguage).find((tag) => isLanguage(tag, "cy") || isLanguage(tag, "en"))
  return first !== undefined && isLanguage(first, "cy") ? "cy" : "en"
}

type Values = Readonly<Record<string, string | number>>

/** The catalogue message each issue built by `cataloguedIssue` says, so an answer can say it in another language. */
const origins = new WeakMap<OperationOutcomeIssue, { readonly key: MessageKey; readonly values: Values }>()

/** An issue whose text is a catalogue message: built in English, said in the request's language when answered. */
export const cataloguedIssue = (key: MessageKey, values: Values, build: (text: string) => OperationOutcomeIssue) => {
  const issue = build(formatMessage("en", key, values))
  origins.set(issue, { key, values })
  return issue
}

/** Whether the issue's text comes from the catalogues. */
export const isCatalogued = (issue: OperationOutcomeIssue) => origins.has(issue)

/** The issue with its text in `language`, when it comes from the catalogues. */
export const translateIssue = (issue: OperationOutcomeIssue, language: MessageLanguage): OperationOutcomeIssue => {
  const origin = origins.get(issue)
  return origin === undefined || language === "en"
    ? issue
    : { ...issue, details: { ...issue.details, text: formatMessage(language, origin.key, origin.values) } }
}
