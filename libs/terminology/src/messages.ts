/**
 * The terminology engine's messages, one catalogue per language (`libs/terminology/messages/<language>.json`).
 * The engine names a message by its key and values (a `Message`, `@ffynnon/messages`); it is said in
 * a language only where it is answered. English is the default and the wording the HL7 terminology
 * tests check; Welsh is said when the client prefers it (Accept-Language).
 */
import { messagesOf, type Catalogue, type Message, type MessageValue } from "@ffynnon/messages"
import cy from "../messages/cy.json"
import en from "../messages/en.json"

export { say, sayInEnglish, type Message, type MessageLanguage, type MessageValue, type MessageValues } from "@ffynnon/messages"

export type MessageKey = keyof typeof en

export const messageCatalogues: Catalogue<MessageKey> = { en, cy }

export const message = messagesOf(messageCatalogues)

/** `a, b or c`, as lists of versions and displays read in messages; items may be messages too. */
export const alternatives = <Item extends MessageValue>(items: ReadonlyArray<Item>): Item | Message | "" => {
  if (items.length <= 1) return items[0] ?? ""
  const leading = items.slice(1, -1).reduce<MessageValue>((list, item) => message("list-comma", { list, item }), items[0]!)
  return message("list-or", { items: leading, last: items.at(-1)! })
}

/** Sentences one after another (`A. B.`), each said in the same language. */
export const oneAfterAnother = (first: Message, rest: ReadonlyArray<MessageValue>): Message =>
  rest.reduce<Message>((sentences, second) => message("one-after-another", { first: sentences, second }), first)
