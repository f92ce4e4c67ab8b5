/**
 * The demographics services' messages, one catalogue per language (`libs/demographics/messages/<language>.json`):
 * an error names its message (`said`) and the API says it in the request's language.
 */
import { messagesOf, type Catalogue } from "@ffynnon/messages"
import cy from "../messages/cy.json"
import en from "../messages/en.json"

export type DemographicsMessageKey = keyof typeof en

export const demographicsCatalogues: Catalogue<DemographicsMessageKey> = { en, cy }

export const demographicsMessage = messagesOf(demographicsCatalogues)
