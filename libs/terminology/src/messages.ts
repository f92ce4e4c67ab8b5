/**
 * The terminology engine's messages, one catalogue per language (`libs/terminology/messages/<language>.json`).
 * The engine names a message by its key and values (a `Message`); it is said in a language only
 * where it is answered. English is the default and the wording the HL7 terminology tests check;
 * Welsh is said when the client prefers it (Accept-Language).
 */
import cy from "../messages/cy.json"
import en from "../messages/en.json"

export type MessageKey = keyof typeof en
export type MessageLanguage = "en" | "cy"

/** A value in a message: text, a number, or another message (said in the same language). */
export type MessageValue = string | number | Message
export type MessageValues = Readonly<Record<string, MessageValue>>

/** A catalogue message with its values, not yet said in a language. */
export interface Message {
  readonly key: MessageKey
  readonly values: MessageValues
}

// Typed against the English catalogue: a key missing in Welsh fails the type check (and a test).
export const messageCatalogues: Readonly<Record<MessageLanguage, Readonly<Record<MessageKey, string>>>> = { en, cy }

export const message = (key: MessageKey, values: MessageValues = {}): Message => ({ key, values })

/** The message in `language`, its `{placeholders}` filled in. */
export const say = (language: MessageLanguage, { key, values }: Message): string =>
  messageCatalogues[language][key].replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name]
    return value === undefined ? placeholder : typeof value === "object" ? say(language, value) : String(value)
  })

/** Messages said in English, where no language is asked for. */
export const sayInEnglish = (said: Message) => say("en", said)

/** `a, b or c`, as lists of versions and displays read in messages. */
export const alternatives = (items: ReadonlyArray<string>): Message | string =>
  items.length <= 1 ? (items[0] ?? "") : message("list-or", { items: items.slice(0, -1).join(", "), last: items.at(-1)! })
