/** Rows as a plain text table with a header, columns padded, numbers right-aligned. */
export const formatTable = (rows: ReadonlyArray<Record<string, string | number>>) => {
  if (rows.length === 0) return ""
  const columns = Object.keys(rows[0]!)
  const cells = [columns, ...rows.map((row) => columns.map((column) => String(row[column] ?? "")))]
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index]!.length)))
  const numeric = columns.map((column) => rows.every((row) => typeof row[column] === "number"))
  const format = (line: ReadonlyArray<string>) =>
    line
      .map((cell, index) => (numeric[index] ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!)))
      .join("  ")
      .trimEnd()
  return [format(columns), format(widths.map((width) => "-".repeat(width))), ...cells.slice(1).map(format)].join("\n")
}
