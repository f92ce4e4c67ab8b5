/** The team-written sample release and its ground truth, and corrupted copies for error tests. */
import {
  appendFileSync,
  cpSync,
  createWriteStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pipeline } from "node:stream/promises"
import { ZipFile } from "yazl"

const sampleRoot = join(import.meta.dirname, "..", "..", "..", "data", "sample", "snomed")
export const sampleFolder = join(sampleRoot, "SnomedCT_FfynnonSample_PRODUCTION_20260101T120000Z")
export const expected = JSON.parse(readFileSync(join(sampleRoot, "expected.json"), "utf8"))
export const sampleUri: string = expected.release.version

/** `../shared` beside the repository, or `$FFYNNON_SHARED_DIR` (a worktree elsewhere). */
export const sharedFolder = process.env.FFYNNON_SHARED_DIR ?? join(import.meta.dirname, "..", "..", "..", "..", "shared")
export const txSubsetFolder = join(sharedFolder, "fixtures", "snomed", "tx-subset", "snomed")
export const txSubsetUri = "http://snomed.info/xsct/31000003106/version/20250909"

/** The path of the sample's file whose name contains `part`. */
export const sampleFile = (folder: string, part: string) => {
  const found = (readdirSync(folder, { recursive: true }) as Array<string>).find((path) => path.includes(part))
  if (found === undefined) throw new Error(`no file like ${part} in ${folder}`)
  return join(folder, found)
}

/** A copy of the sample release, changed by `change`; removed by the returned function. */
export const changedSample = (change: (folder: string) => void) => {
  const folder = mkdtempSync(join(tmpdir(), "ffynnon-rf2-"))
  cpSync(sampleFolder, folder, { recursive: true })
  change(folder)
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) }
}

/** Replaces line `line` (1-based) of a file with `replace(original)`, keeping CRLF endings. */
export const editLine = (path: string, line: number, replace: (original: string) => string | Buffer) => {
  const lines = readFileSync(path).toString("latin1").split("\r\n")
  const replaced = replace(lines[line - 1]!)
  const before = Buffer.from(
    lines
      .slice(0, line - 1)
      .map((text) => `${text}\r\n`)
      .join(""),
    "latin1"
  )
  const after = Buffer.from(
    lines
      .slice(line)
      .map((text, index, all) => (index === all.length - 1 ? text : `${text}\r\n`))
      .join(""),
    "latin1"
  )
  writeFileSync(
    path,
    Buffer.concat([
      before,
      typeof replaced === "string" ? Buffer.from(`${replaced}\r\n`, "latin1") : Buffer.concat([replaced, Buffer.from("\r\n")]),
      after
    ])
  )
}

/** Renames a copy's Snapshot files to another release type, as a Full or Delta package names them. */
export const renameReleaseType = (folder: string, releaseType: "Full" | "Delta", date?: string) => {
  for (const path of readdirSync(folder, { recursive: true }) as Array<string>) {
    if (!path.endsWith(".txt") || !path.includes("Snapshot")) continue
    const renamed = path
      .replace(/Snapshot(?=[-_])/, releaseType)
      .replace(/_\d{8}\.txt$/, (suffix) => (date === undefined ? suffix : `_${date}.txt`))
    renameSync(join(folder, path), join(folder, renamed))
  }
}

/** Appends rows (tab-separated fields) to an RF2 file. */
export const appendRows = (path: string, rows: ReadonlyArray<ReadonlyArray<string>>) =>
  appendFileSync(path, rows.map((fields) => `${fields.join("\t")}\r\n`).join(""))

/** The rows of an RF2 file, header first. */
export const rowsOf = (path: string) =>
  readFileSync(path, "utf8")
    .split("\r\n")
    .filter((line) => line.length > 0)
    .map((line) => line.split("\t"))

/** The sample release packed as a zip, as releases are distributed, in a temporary folder. */
export const sampleZip = async () => {
  const folder = mkdtempSync(join(tmpdir(), "ffynnon-zip-"))
  const path = join(folder, "SnomedCT_FfynnonSample_PRODUCTION_20260101T120000Z.zip")
  const zip = new ZipFile()
  for (const file of readdirSync(sampleFolder, { recursive: true }) as Array<string>) {
    if (file.endsWith(".txt")) zip.addFile(join(sampleFolder, file), `SnomedCT_FfynnonSample_PRODUCTION_20260101T120000Z/${file}`)
  }
  zip.end()
  await pipeline(zip.outputStream, createWriteStream(path))
  return { path, remove: () => rmSync(folder, { recursive: true, force: true }) }
}
