/** The engine's messages said in the language asked for (apps/api/test/welsh-messages.test.ts checks every catalogue has Welsh). */
import { describe, expect, it } from "vitest"
import { alternatives, languageFallback, message, messageLanguageOf, say } from "../src/index"

describe("the engine's message catalogues", () => {
  it("say a message in a language, its values (messages among them) filled in", () => {
    const unknown = message("unknown-system-version", { system: "http://x", version: "3", versions: alternatives(["1", "2"]) })
    expect(say("en", unknown)).toBe(
      "A definition for CodeSystem 'http://x' version '3' could not be found, so the code cannot be validated. Valid versions: 1 or 2"
    )
    expect(say("cy", unknown)).toBe(
      "Ni chafwyd hyd i ddiffiniad o'r CodeSystem 'http://x' fersiwn '3', felly ni ellir dilysu'r cod. Fersiynau dilys: 1 neu 2"
    )
    // A value is inserted as it is: braces in it are not placeholders.
    expect(say("en", message("unknown-code", { code: "{system}", system: "http://x" }))).toBe(
      "Unknown code '{system}' in the CodeSystem 'http://x'"
    )
  })

  it("choose the catalogue by the first language that has one", () => {
    expect(messageLanguageOf(["cy-GB", "en"])).toBe("cy")
    expect(messageLanguageOf(["fr", "cy"])).toBe("cy")
    expect(messageLanguageOf(["en-GB", "cy"])).toBe("en")
    expect(messageLanguageOf(["fr"])).toBe("en")
    expect(messageLanguageOf([])).toBe("en")
  })
})

describe("languageFallback", () => {
  it("notes displays in none of the languages asked for, taking regional tags as their language", () => {
    expect(say("en", languageFallback(["fr", "de"], ["en"], false)!)).toBe(
      "This code has no display in the language(s) asked for (fr, de): the display is in en."
    )
    expect(say("en", languageFallback(["fr"], ["en", undefined, "en"], true)!)).toBe(
      "No code here has a display in the language(s) asked for (fr): the displays are in en."
    )
    expect(languageFallback(["en-US"], ["en-GB"], false)).toBeUndefined()
    expect(languageFallback(["cy", "fr"], ["en", "cy"], true)).toBeUndefined()
    // Nothing asked for, or displays whose language is not known: nothing to say.
    expect(languageFallback([], ["en"], false)).toBeUndefined()
    expect(languageFallback(["fr"], [undefined], false)).toBeUndefined()
  })
})
