/**
 * Renders load progress on stderr: a bar redrawn in place on a terminal, plain lines (one per
 * phase and item, and every 10%) when the output is a file or a pipe, as in CI logs.
 */
import { LoadProgress, type ProgressEvent } from "@ffynnon/db"
import { Effect, Layer } from "effect"

const formatAmount = (value: number, unit: ProgressEvent["unit"]) =>
  unit === "bytes" ? `${(value / 1024 / 1024).toFixed(1)} MB` : value.toLocaleString("en-GB")

const describe = (event: ProgressEvent) => {
  const amount =
    event.total === undefined
      ? formatAmount(event.done, event.unit)
      : `${formatAmount(event.done, event.unit)} of ${formatAmount(event.total, event.unit)}`
  return `${event.phase}${event.item === undefined ? "" : ` ${event.item}`}: ${amount}`
}

const bar = (fraction: number, width = 24) => {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width)
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`
}

export const makeRenderer = (output: { isTTY?: boolean; columns?: number; write: (text: string) => unknown }) => {
  let lastDraw = 0
  let lastLine = ""
  let lastStep = -1
  return (event: ProgressEvent) => {
    const fraction = event.total === undefined || event.total === 0 ? undefined : event.done / event.total
    if (output.isTTY) {
      const now = Date.now()
      if (now - lastDraw < 100 && fraction !== 1) return
      lastDraw = now
      const line = `${fraction === undefined ? "" : `${bar(fraction)} `}${describe(event)}`
      output.write(`\r${line.slice(0, (output.columns ?? 100) - 1).padEnd(lastLine.length)}`)
      lastLine = line
      return
    }
    const heading = `${event.phase} ${event.item ?? ""}`
    const step = fraction === undefined ? 0 : Math.floor(fraction * 10)
    if (heading !== lastLine || step !== lastStep) {
      output.write(`${describe(event)}${fraction === undefined ? "" : ` (${(fraction * 100).toFixed(0)}%)`}\n`)
      lastLine = heading
      lastStep = step
    }
  }
}

/** Progress on the process's stderr. */
export const layerStderrProgress = Layer.sync(LoadProgress, () => {
  const render = makeRenderer(process.stderr)
  return { report: (event: ProgressEvent) => Effect.sync(() => render(event)) }
})

/** Ends a redrawn progress line before the summary is printed. */
export const finishProgressLine = Effect.sync(() => {
  if (process.stderr.isTTY) process.stderr.write("\n")
})
