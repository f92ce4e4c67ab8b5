import { describe, expect, it } from "vitest"
import { makeRenderer } from "../src/progress"
import { formatTable } from "../src/table"

describe("the load summary", () => {
  it("is a plain table: header, rule, columns padded, numbers right-aligned", () => {
    expect(
      formatTable([
        { file: "sct2_Concept.txt", rows: 590 },
        { file: "der2_Refset.txt", rows: 35 }
      ])
    ).toBe(["file              rows", "----------------  ----", "sct2_Concept.txt   590", "der2_Refset.txt     35"].join("\n"))
    expect(formatTable([])).toBe("")
  })
})

describe("progress", () => {
  it("writes a line per item and per tenth when the output is not a terminal", () => {
    const lines: Array<string> = []
    const render = makeRenderer({ write: (text) => lines.push(text) })
    for (let done = 0; done <= 100; done += 5) render({ phase: "load", item: "a.txt", done, total: 100, unit: "rows" })
    render({ phase: "index", item: "snomed_concept", done: 0, total: 5, unit: "steps" })
    expect(lines).toHaveLength(12)
    expect(lines[0]).toBe("load a.txt: 0 of 100 (0%)\n")
    expect(lines.at(-1)).toBe("index snomed_concept: 0 of 5 (0%)\n")
  })

  it("redraws one line in place on a terminal", () => {
    const written: Array<string> = []
    const render = makeRenderer({ isTTY: true, columns: 80, write: (text) => written.push(text) })
    render({ phase: "load", item: "a.txt", done: 50, total: 100, unit: "bytes" })
    expect(written[0]).toMatch(/^\r\[#{12}-{12}\]  50% load a\.txt: 0\.0 MB of 0\.0 MB/)
  })
})
