/**
 * WHO ICD-10 in ClaML (Classification Markup Language, the WHO distribution format, also
 * ICD-10-GM's), read with saxes as a stream of elements:
 * - `Class` elements (chapter, block, category) with their `SuperClass`, `usage` (dagger or
 *   asterisk) and rubrics: `preferred` is the title; inclusions, exclusions, notes, coding hints
 *   and definitions are kept as rubrics, references shown in brackets;
 * - `ModifierClass` elements grouped by their modifier, and each `ModifiedBy` on a category
 *   expanded into the codes it creates: on the category itself when it has no subcategories,
 *   else on each of its leaf subcategories (`K25` + `.0` is `K25.0`; `M00.0` + `0` is `M00.00`;
 *   `M45` + `0` is `M45.0`),
 *   honouring `ValidModifierClass` and `ExcludeModifier`. An expanded code is titled
 *   `<category>: <modifier class>` and takes the modifier class's usage and rubrics.
 * A file that is not ClaML, a class without a code or twice, or a `ModifiedBy` naming a modifier
 * the file does not have is an error naming the element and line; a class whose superclass is
 * missing (an excerpt) is served at the top, with a warning.
 */
import { Effect } from "effect"
import { SaxesParser } from "saxes"
import { IcdReleaseError } from "../errors"
import type { IcdClass, IcdKind, IcdRubric } from "../model"
import type { SourceFile } from "../source"

interface LabelPiece {
  readonly text: string
  readonly reference: boolean
}

interface ParsedRubric {
  readonly kind: string
  readonly pieces: Array<LabelPiece>
}

interface ModifiedBy {
  readonly code: string
  readonly line: number
  readonly valid: Array<string>
}

interface ParsedClass {
  readonly element: "Class" | "ModifierClass"
  readonly code: string
  readonly kind: string
  /** For a ModifierClass: its modifier. */
  readonly modifier: string
  readonly usage: string | undefined
  readonly line: number
  readonly superClasses: Array<string>
  readonly subClasses: Array<string>
  readonly modifiedBy: Array<ModifiedBy>
  readonly excludeModifiers: Array<string>
  readonly rubrics: Array<ParsedRubric>
}

export interface ClamlDocument {
  /** `Title@version`, e.g. `2019`. */
  readonly version: string | undefined
  readonly classes: ReadonlyArray<IcdClass>
  readonly warnings: ReadonlyArray<string>
}

const collapse = (text: string) => text.replace(/\s+/g, " ").trim()
/** A rubric's text: for the title its words alone, for the others with their references in brackets. */
const rubricText = (rubric: ParsedRubric, withReferences: boolean) =>
  collapse(
    rubric.pieces
      .filter((piece) => withReferences || !piece.reference)
      .map((piece) => (piece.reference ? ` (${collapse(piece.text)})` : piece.text))
      .join("")
  ).replace(/\s+\)/g, ")")

const titleOf = (parsed: ParsedClass) => {
  const preferred = parsed.rubrics.find((rubric) => rubric.kind === "preferred") ?? parsed.rubrics.find((r) => r.kind === "preferredLong")
  return preferred === undefined ? undefined : rubricText(preferred, false)
}
const keptRubrics = (parsed: ParsedClass): Array<IcdRubric> =>
  parsed.rubrics
    .filter((rubric) => !["preferred", "preferredLong", "modifierlink"].includes(rubric.kind))
    .map((rubric) => ({ kind: rubric.kind, text: rubricText(rubric, true) }))
    .filter((rubric) => rubric.text !== "")
const usageOf = (usage: string | undefined) => (usage === "dagger" ? "dagger" : usage === "aster" ? "asterisk" : undefined)

/** Reads every element of the document; fails at the first that is not well-formed XML or not ClaML. */
const readElements = (source: SourceFile) => {
  let root: string | undefined
  return Effect.try({
    try: () => {
      const parser = new SaxesParser({ position: true, xmlns: false })
      const classes: Array<ParsedClass> = []
      let version: string | undefined
      let current: ParsedClass | undefined
      let rubric: ParsedRubric | undefined
      let referenceDepth = 0
      let inTitle = false
      parser.on("opentag", (tag) => {
        const attribute = (name: string) => tag.attributes[name]
        if (root === undefined) {
          root = tag.name
          if (root !== "ClaML")
            throw new IcdReleaseError({
              file: source.name,
              lineNumber: parser.line,
              element: `<${root}>`,
              detail: "not ClaML: the document's root element is not <ClaML>"
            })
        }
        switch (tag.name) {
          case "Title":
            inTitle = true
            version = attribute("version") ?? version
            break
          case "Class":
          case "ModifierClass": {
            const code = attribute("code")
            if (code === undefined || code.trim() === "") {
              throw new IcdReleaseError({
                file: source.name,
                lineNumber: parser.line,
                element: `<${tag.name}>`,
                detail: "a class without a code"
              })
            }
            current = {
              element: tag.name,
              code: code.trim(),
              kind: attribute("kind") ?? "category",
              modifier: attribute("modifier") ?? "",
              usage: attribute("usage"),
              line: parser.line,
              superClasses: [],
              subClasses: [],
              modifiedBy: [],
              excludeModifiers: [],
              rubrics: []
            }
            break
          }
          case "SuperClass":
            if (current !== undefined && attribute("code") !== undefined) current.superClasses.push(attribute("code")!)
            break
          case "SubClass":
            if (current !== undefined && attribute("code") !== undefined) current.subClasses.push(attribute("code")!)
            break
          case "ModifiedBy":
            if (current !== undefined) current.modifiedBy.push({ code: attribute("code") ?? "", line: parser.line, valid: [] })
            break
          case "ValidModifierClass":
            current?.modifiedBy.at(-1)?.valid.push(attribute("code") ?? "")
            break
          case "ExcludeModifier":
            if (current !== undefined) current.excludeModifiers.push(attribute("code") ?? "")
            break
          case "Rubric":
            if (current !== undefined) {
              rubric = { kind: attribute("kind") ?? "text", pieces: [] }
              current.rubrics.push(rubric)
            }
            break
          case "Reference":
            referenceDepth++
            break
          case "Fragment":
          case "Para":
          case "Term":
            rubric?.pieces.push({ text: " ", reference: false })
            break
        }
      })
      parser.on("text", (text) => {
        if (rubric !== undefined && !inTitle) rubric.pieces.push({ text, reference: referenceDepth > 0 })
      })
      parser.on("closetag", (tag) => {
        switch (tag.name) {
          case "Title":
            inTitle = false
            break
          case "Reference":
            referenceDepth--
            break
          case "Rubric":
            rubric = undefined
            break
          case "Class":
          case "ModifierClass":
            if (current !== undefined) classes.push(current)
            current = undefined
            break
        }
      })
      parser.write(source.text).close()
      if (root === undefined) throw new IcdReleaseError({ file: source.name, lineNumber: 1, detail: "not ClaML: the document is empty" })
      return { version, classes }
    },
    // saxes's messages start with the line and column.
    catch: (error) =>
      error instanceof IcdReleaseError
        ? error
        : new IcdReleaseError({
            file: source.name,
            detail: `${root === undefined ? "not ClaML: not an XML document" : "not well-formed XML"}: ${error instanceof Error ? error.message : String(error)}`
          })
  })
}

export const parseClaml = (source: SourceFile) =>
  Effect.gen(function* () {
    const { version, classes: parsed } = yield* readElements(source)
    const fail = (at: ParsedClass, detail: string, line = at.line, element = `<${at.element} code="${at.code}">`) =>
      new IcdReleaseError({ file: source.name, lineNumber: line, element, detail })
    // A set: a modifier applied under many categories would repeat the same warning.
    const warnings = new Set<string>()
    const byCode = new Map<string, ParsedClass>()
    const modifiers = new Map<string, Array<ParsedClass>>()
    for (const entry of parsed) {
      if (entry.element === "ModifierClass") {
        modifiers.set(entry.modifier, [...(modifiers.get(entry.modifier) ?? []), entry])
        continue
      }
      if (!["chapter", "block", "category"].includes(entry.kind))
        return yield* fail(entry, `kind '${entry.kind}' is not chapter, block or category`)
      if (byCode.has(entry.code)) return yield* fail(entry, "the class appears twice")
      byCode.set(entry.code, entry)
    }
    const subcategories = new Map<string, Array<ParsedClass>>()
    for (const entry of byCode.values()) {
      const parent = entry.superClasses[0]
      if (entry.kind !== "category" || parent === undefined) continue
      const siblings = subcategories.get(parent)
      if (siblings === undefined) subcategories.set(parent, [entry])
      else siblings.push(entry)
    }

    const classes: Array<IcdClass> = []
    const codes = new Set<string>(byCode.keys())
    /** The codes a category's modifiers create, under `target` (the category or one of its leaf subcategories). */
    const expand = (target: ParsedClass, modifiedBy: ModifiedBy, excluded: ReadonlyArray<string>) => {
      const modifierClasses = (modifiers.get(modifiedBy.code) ?? []).filter(
        (modifierClass) => modifiedBy.valid.length === 0 || modifiedBy.valid.includes(modifierClass.code)
      )
      const created: Array<IcdClass> = []
      if (excluded.includes(modifiedBy.code)) return created
      const title = titleOf(target) ?? target.code
      // A fourth-character modifier's codes start with a dot ("K25" + ".0"); a stray code without one in it is not a code.
      const fourthCharacter = modifierClasses.some((modifierClass) => modifierClass.code.startsWith("."))
      for (const modifierClass of modifierClasses) {
        if (fourthCharacter && !modifierClass.code.startsWith(".")) {
          warnings.add(`${modifiedBy.code}: the modifier class '${modifierClass.code}' does not start with '.', ignored`)
          continue
        }
        const suffix = modifierClass.code.startsWith(".") || target.code.includes(".") ? modifierClass.code : `.${modifierClass.code}`
        const code = `${target.code}${suffix}`
        // A class the file states itself (or another modifier made) stands as it is.
        if (codes.has(code)) continue
        codes.add(code)
        const usage = usageOf(modifierClass.usage ?? target.usage)
        created.push({
          code,
          kind: "category",
          parent: target.code,
          title: `${title}: ${titleOf(modifierClass) ?? modifierClass.code}`,
          rubrics: keptRubrics(modifierClass),
          ...(usage === undefined ? {} : { usage })
        })
      }
      return created
    }
    const leaves = (entry: ParsedClass): Array<ParsedClass> => {
      const below = subcategories.get(entry.code) ?? []
      return below.length === 0 ? [entry] : below.flatMap(leaves)
    }

    // The codes each class's modifiers create, listed after the class they are under.
    const expansions = new Map<string, Array<IcdClass>>()
    for (const entry of byCode.values()) {
      for (const modifiedBy of entry.modifiedBy) {
        if (!modifiers.has(modifiedBy.code)) {
          return yield* fail(
            entry,
            `the modifier '${modifiedBy.code}' it is modified by is not in the file (no <ModifierClass modifier="${modifiedBy.code}">)`,
            modifiedBy.line,
            `<ModifiedBy code="${modifiedBy.code}"> in <Class code="${entry.code}">`
          )
        }
        for (const leaf of leaves(entry)) {
          expansions.set(leaf.code, [...(expansions.get(leaf.code) ?? []), ...expand(leaf, modifiedBy, leaf.excludeModifiers)])
        }
      }
    }
    for (const entry of byCode.values()) {
      const parent = entry.superClasses[0]
      if (parent !== undefined && !byCode.has(parent))
        warnings.add(`${entry.code}: its superclass '${parent}' is not in the file; served at the top`)
      const usage = usageOf(entry.usage)
      classes.push({
        code: entry.code,
        kind: entry.kind as IcdKind,
        parent: parent !== undefined && byCode.has(parent) ? parent : undefined,
        title: titleOf(entry) ?? entry.code,
        rubrics: keptRubrics(entry),
        ...(usage === undefined ? {} : { usage })
      })
      classes.push(...(expansions.get(entry.code) ?? []))
    }
    return { version, classes, warnings: [...warnings] } satisfies ClamlDocument
  })
