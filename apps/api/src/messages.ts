/**
 * The API's own messages, one catalogue per language (`apps/api/messages/<language>.json`), chosen
 * by the request's Accept-Language: Welsh when the most preferred of the languages the catalogues
 * have is Welsh, else English. The libraries' messages have their own catalogues (`libs/terminology/messages`,
 * `libs/demographics/messages`); an issue can carry any of them and is said the same way (`@ffynnon/messages`).
 */
import { messagesOf } from "@ffynnon/messages"
import { messageLanguageOf, preferredLanguages, say, type Message, type MessageLanguage, type MessageValues } from "@ffynnon/terminology"
import type { OperationOutcomeIssue } from "./fhir/outcome"
import cy from "../messages/cy.json"
import en from "../messages/en.json"

export type MessageKey = keyof typeof en
export type { MessageLanguage }

// Typed against the English catalogue: a key missing in Welsh fails the type check.
export const apiMessage = messagesOf<MessageKey>({ en, cy })

/** The message in the language, its `{placeholders}` filled in. */
export const formatMessage = (language: MessageLanguage, key: MessageKey, values: Values = {}) => say(language, apiMessage(key, values))

/** The catalogue for an Accept-Language header: the first of its languages that has one. */
export const messageLanguage = (acceptLanguage: string | undefined): MessageLanguage =>
  messageLanguageOf(preferredLanguages(undefined, acceptLanguage))

type Values = MessageValues

/** How each issue built from a catalogue message says it, so an answer can say it in another language. */
const origins = new WeakMap<OperationOutcomeIssue, (language: MessageLanguage) => string>()

const sayingIssue = (sayIn: (language: MessageLanguage) => string, build: (text: string) => OperationOutcomeIssue) => {
  const issue = build(sayIn("en"))
  origins.set(issue, sayIn)
  return issue
}

/** An issue whose text is a catalogue message: built in English, said in the request's language when answered. */
export const cataloguedIssue = (
  key: MessageKey,
  values: Values,
  build: (text: string) => OperationOutcomeIssue,
  // Values themselves said in the language, where they are messages too.
  said: (language: MessageLanguage) => Values = () => ({})
) => sayingIssue((language) => formatMessage(language, key, { ...values, ...said(language) }), build)

/** An issue whose text is a library's catalogue message (the engine's, demographics'), said like `cataloguedIssue`'s. */
export const engineIssue = (said: Message, build: (text: string) => OperationOutcomeIssue) =>
  sayingIssue((language) => say(language, said), build)

/**
 * The issue about one entry of a Bundle: its text prefixed with the entry, in every language the
 * issue can be said in (English only, prefix and all, when its own text is not from a catalogue).
 */
export const entryIssue = (issue: OperationOutcomeIssue, index: number, build: (text: string) => OperationOutcomeIssue) => {
  const sayIssue = origins.get(issue)
  const values = { index, message: issue.details?.text ?? "" }
  return sayIssue === undefined
    ? build(formatMessage("en", "bundle-entry", values))
    : cataloguedIssue("bundle-entry", values, build, (language) => ({ message: sayIssue(language) }))
}

/** Whether the issue's text comes from the catalogues. */
export const isCatalogued = (issue: OperationOutcomeIssue) => origins.has(issue)

/** The outcome with its catalogued issues said in `language`. */
export const translateOutcome = <O extends { readonly issue: ReadonlyArray<OperationOutcomeIssue> }>(
  outcome: O,
  language: MessageLanguage
): O => (language === "en" ? outcome : { ...outcome, issue: outcome.issue.map((issue) => translateIssue(issue, language)) })

/** The issue with its text in `language`, when it comes from the catalogues. */
export const translateIssue = (issue: OperationOutcomeIssue, language: MessageLanguage): OperationOutcomeIssue => {
  const sayIn = origins.get(issue)
  return sayIn === undefined || language === "en" ? issue : { ...issue, details: { ...issue.details, text: sayIn(language) } }
}
