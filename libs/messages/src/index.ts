/**
 * Message catalogues, one text per key and language. A library names a message by its catalogue's
 * key and values (a `Message`) and never writes the text; it is said in a language only where it
 * is answered (`say`), so a library stays language-agnostic and every text has one home per
 * language (`<library>/messages/en.json` and `cy.json`).
 */

export type MessageLanguage = "en" | "cy"

/** A value in a message: text, a number, or another message (said in the same language). */
export type MessageValue = string | number | Message
export type MessageValues = Readonly<Record<string, MessageValue>>

/** The texts of one catalogue, by language and key. */
export type Catalogue<Key extends string = string> = Readonly<Record<MessageLanguage, Readonly<Record<Key, string>>>>

/** A catalogue message with its values, not yet said in a language. */
export interface Message<Key extends string = string> {
  readonly key: Key
  readonly values: MessageValues
  readonly catalogue: Catalogue
}

/**
 * The message maker of a catalogue, typed by its English keys: a key missing from the Welsh
 * texts fails the type check (and the catalogues' test).
 */
export const messagesOf =
  <Key extends string>(catalogue: Catalogue<Key>) =>
  (key: Key, values: MessageValues = {}): Message<Key> => ({ key, values, catalogue })

/** The message in `language`, its `{placeholders}` filled in. */
export const say = (language: MessageLanguage, { key, values, catalogue }: Message): string =>
  catalogue[language][key]!.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name]
    return value === undefined ? placeholder : typeof value === "object" ? say(language, value) : String(value)
  })

/** Messages said in English, where no language is asked for. */
export const sayInEnglish = (said: Message) => say("en", said)
