/**
 * Streams the records of one dm+d XML file with saxes: each record element's child elements
 * become the fields its `RecordSpec` names, checked for presence and form and handed on as the
 * store's column values. A malformed document, a missing required element or a value of the
 * wrong form stops the read with the file, line and element; an element the specification does
 * not know is reported and skipped, as the NHSBSA adds elements between schema versions.
 */
import { createHash } from "node:crypto"
import { SaxesParser } from "saxes"
import { DmdError } from "../errors"
import type { ReleaseFile } from "./files"
import type { FieldType, RecordSpec } from "./spec"

/** A record's column values in its spec's field order: text as written, flags `t`/`f`, `null` when absent. */
export type Row = ReadonlyArray<string | null>

export interface FileRead {
  readonly rows: Record<string, number>
  readonly warnings: ReadonlyArray<string>
  readonly sha256: string
}

const forms: Record<FieldType, RegExp | undefined> = {
  id: /^\d{1,19}$/,
  code: /^\S+$/,
  text: undefined,
  date: /^\d{4}-\d{2}-\d{2}$/,
  flag: /^(?:0*1|0+)$/,
  int: /^-?\d+$/,
  pence: /^-?\d+$/,
  decimal: /^-?(?:\d+(?:\.\d*)?|\.\d+)$/
}

const describeForm: Record<FieldType, string> = {
  id: "an identifier (digits)",
  code: "a code",
  text: "text",
  date: "a date (yyyy-mm-dd)",
  flag: "a flag (1 or 0001)",
  int: "a whole number",
  pence: "a price in whole pence",
  decimal: "a decimal number"
}

const matches = (pattern: ReadonlyArray<string>, path: ReadonlyArray<string>) =>
  pattern.length === path.length && pattern.every((name, position) => name === "*" || name === path[position])
const isPrefix = (pattern: ReadonlyArray<string>, path: ReadonlyArray<string>) =>
  path.length < pattern.length && path.every((name, position) => pattern[position] === "*" || pattern[position] === name)

/** Reports at most this many unknown elements per file, then a count. */
const warningLimit = 20

/** Reads `file`, handing each row to `onRow`; fails with a `DmdError` naming the file, line and element. */
export const readRecords = async (file: ReleaseFile, onRow: (record: RecordSpec, row: Row) => void): Promise<FileRead> => {
  const parser = new SaxesParser({ position: true })
  const hash = createHash("sha256")
  const rows: Record<string, number> = Object.fromEntries(file.spec.records.map((record) => [record.name, 0]))
  const keys = new Map(file.spec.records.filter((record) => record.key !== undefined).map((record) => [record, new Set<string>()]))
  const warnings: Array<string> = []
  let unknownCount = 0
  const fail = (detail: string, element?: string, line = parser.line) =>
    new DmdError({ file: file.path, lineNumber: line, ...(element === undefined ? {} : { element }), detail })
  const unknown = (name: string, within: string) => {
    unknownCount++
    if (unknownCount <= warningLimit) warnings.push(`${file.path}:${parser.line}: unknown element <${name}> in <${within}>, skipped`)
  }

  // Where the parser is: the path below the root, the record being read and the field being read.
  const path: Array<string> = []
  let depth = 0
  let skipUntil = -1
  let record: { spec: RecordSpec; element: string; group: string; line: number; depth: number } | undefined
  let fields: Record<string, string> = {}
  let nested: Array<Record<string, string>> = []
  let inNested: Record<string, string> | undefined
  let field: string | undefined
  let text = ""

  const finish = () => {
    const spec = record!.spec
    if (Object.keys(fields).length === 0 && nested.length === 0) {
      warnings.push(`${file.path}:${record!.line}: an empty <${record!.element}>, skipped`)
      return
    }
    const values = { ...fields, ...(spec.groupColumn === undefined ? {} : { [spec.groupColumn]: record!.group }) }
    for (const set of nested.length === 0 ? [values] : nested.map((inner) => ({ ...values, ...inner }))) {
      const row = Object.entries(spec.fields).map(([name, type]) => {
        const value = set[name]
        if (value === undefined) {
          if (spec.required.includes(name))
            throw fail(`has no <${name}>, which every ${record!.element} must have`, record!.element, record!.line)
          return type === "flag" ? "f" : null
        }
        const form = forms[type]
        if (form !== undefined && !form.test(value)) {
          throw fail(`'${value}' is not ${describeForm[type]}`, `${record!.element}/${name}`, record!.line)
        }
        return type === "flag" ? (/^0*1$/.test(value) ? "t" : "f") : value
      })
      const seen = keys.get(spec)
      if (seen !== undefined) {
        const key = spec.key!.map((name) => set[name]).join("|")
        if (seen.has(key))
          throw fail(`${spec.key!.map((name) => `${name} ${set[name]}`).join(", ")} appears twice`, record!.element, record!.line)
        seen.add(key)
      }
      rows[spec.name]!++
      onRow(spec, row)
    }
  }

  parser.on("opentag", (tag) => {
    depth++
    if (depth === 1 || skipUntil !== -1) return
    if (record === undefined) {
      path.push(tag.name)
      const spec = file.spec.records.find((candidate) => matches(candidate.path, path))
      if (spec !== undefined) {
        record = { spec, element: tag.name, group: path[0]!, line: parser.line, depth }
        fields = {}
        nested = []
      } else if (!file.spec.records.some((candidate) => isPrefix(candidate.path, path))) {
        unknown(tag.name, path.length === 1 ? "the root" : path[path.length - 2]!)
        path.pop()
        skipUntil = depth
      }
      return
    }
    if (tag.name === record.spec.nested && inNested === undefined && field === undefined) {
      inNested = {}
    } else if (field === undefined && tag.name in record.spec.fields) {
      field = tag.name
      text = ""
    } else {
      unknown(tag.name, inNested === undefined ? record.element : record.spec.nested!)
      skipUntil = depth
    }
  })
  parser.on("text", (chunk) => {
    if (field !== undefined) text += chunk
  })
  parser.on("cdata", (chunk) => {
    if (field !== undefined) text += chunk
  })
  parser.on("closetag", (tag) => {
    const closing = depth--
    if (skipUntil !== -1) {
      if (closing === skipUntil) skipUntil = -1
      return
    }
    if (closing === 1) return
    if (record === undefined) {
      path.pop()
      return
    }
    if (field !== undefined) {
      const target = inNested ?? fields
      if (target[field] !== undefined) throw fail(`appears twice in one ${record.element}`, field)
      // An empty element (`<VPIDPREV/>`, seen in real files) says nothing: it counts as absent.
      const value = text.trim()
      if (value !== "") target[field] = value
      field = undefined
    } else if (inNested !== undefined && tag.name === record.spec.nested) {
      nested.push(inNested)
      inNested = undefined
    } else if (closing === record.depth) {
      finish()
      record = undefined
      path.pop()
    }
  })
  parser.on("error", (error) => {
    throw fail(`is not well-formed XML: ${error.message.replace(/^[^:]*:\d+:\d+: /, "")}`)
  })

  const stream = await file.open()
  const decoder = new TextDecoder("utf-8", { fatal: true })
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk)
      parser.write(decoder.decode(chunk, { stream: true }))
    }
    parser.write(decoder.decode())
    parser.close()
  } catch (error) {
    stream.destroy()
    if (error instanceof DmdError) throw error
    throw fail(`cannot be read: ${(error as Error).message}`)
  }
  if (unknownCount > warningLimit) warnings.push(`${file.path}: ${unknownCount - warningLimit} more unknown elements skipped`)
  return { rows, warnings, sha256: hash.digest("hex") }
}
