/**
 * Finds the files of a dm+d release in the NHSBSA main and bonus zips (with the zips they hold,
 * such as the GTIN and BNF zips) or in unpacked folders. Files are matched by their `f_<type>`
 * prefix, not their date suffix, which differs between files of one release. There is no
 * manifest: the release number and date come from the archive's name
 * (`nhsbsa_dmd_<M>.<W>.<n>_<yyyymmdd>000001.zip`) or, failing that, the files' date suffix
 * (`f_vmp2_3010419.xml`: 1 April 2019).
 */
import { Effect } from "effect"
import { createReadStream } from "node:fs"
import { readdir, stat } from "node:fs/promises"
import { basename, join, relative } from "node:path"
import type { Readable } from "node:stream"
import { buffer } from "node:stream/consumers"
import yauzl from "yauzl"
import { DmdError } from "../errors"
import { bonusTypes, fileSpecs, mainTypes, type FileSpec } from "./spec"

export interface ReleaseFile {
  /** Where it is, for messages: the zip(s) and the path inside. */
  readonly path: string
  readonly name: string
  readonly spec: FileSpec
  readonly bytes: number
  readonly open: () => Promise<Readable>
}

export interface DmdRelease {
  /** The FHIR version: `<release number>_<yyyymmdd>` (`4.0.1_20190401`), or the date alone when the archive does not say. */
  readonly version: string
  /** `yyyy-mm-dd`. */
  readonly date: string
  /** The files by type, in referential order (see `fileSpecs`). */
  readonly files: ReadonlyArray<ReleaseFile>
  /** Files whose names look like release files of a kind this reader does not know. */
  readonly unknown: ReadonlyArray<string>
}

const fileName = /^f_([a-z_]+?)\d+_([^/]*)\.xml$/i
const archiveName = /nhsbsa_dmd_(\d+\.\d+\.\d+)_(\d{4})(\d{2})(\d{2})\d*/i
const fileDate = /^\d(\d{2})(\d{2})(\d{2})$/

interface Entry {
  readonly path: string
  readonly name: string
  readonly bytes: number
  readonly open: () => Promise<Readable>
}

const openZip = (open: (callback: (error: Error | null, zip: yauzl.ZipFile) => void) => void) =>
  new Promise<yauzl.ZipFile>((resolve, reject) => open((error, zip) => (error ? reject(error) : resolve(zip))))

/** The zip's entries, and those of the zips inside it (read into memory: they are the small GTIN and bonus zips). */
const zipEntries = async (zip: yauzl.ZipFile, label: string, opened: Array<yauzl.ZipFile>): Promise<Array<Entry>> => {
  opened.push(zip)
  const entries: Array<yauzl.Entry> = await new Promise((resolve, reject) => {
    const found: Array<yauzl.Entry> = []
    zip.on("entry", (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith("/")) found.push(entry)
      zip.readEntry()
    })
    zip.on("end", () => resolve(found))
    zip.on("error", reject)
    zip.readEntry()
  })
  const result: Array<Entry> = []
  for (const entry of entries) {
    const open = () =>
      new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))))
    const path = `${label}/${entry.fileName}`
    if (entry.fileName.toLowerCase().endsWith(".zip")) {
      const inner = await buffer(await open())
      result.push(
        ...(await zipEntries(await openZip((callback) => yauzl.fromBuffer(inner, { lazyEntries: true }, callback)), path, opened))
      )
    } else {
      result.push({ path, name: basename(entry.fileName), bytes: entry.uncompressedSize, open })
    }
  }
  return result
}

const folderEntries = async (folder: string, opened: Array<yauzl.ZipFile>): Promise<Array<Entry>> => {
  const result: Array<Entry> = []
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    if (entry.name.toLowerCase().endsWith(".zip")) {
      result.push(
        ...(await zipEntries(
          await openZip((callback) => yauzl.open(path, { lazyEntries: true, autoClose: false }, callback)),
          path,
          opened
        ))
      )
    } else {
      result.push({
        path: relative(folder, path) || entry.name,
        name: entry.name,
        bytes: (await stat(path)).size,
        open: async () => createReadStream(path, { highWaterMark: 1024 * 1024 })
      })
    }
  }
  return result
}

/** The entries of a zip or folder; zips stay open until the scope closes. */
const sourceEntries = (source: string) =>
  Effect.gen(function* () {
    const info = yield* Effect.tryPromise({
      try: () => stat(source),
      catch: () => new DmdError({ file: source, detail: "no such file or folder" })
    })
    const opened: Array<yauzl.ZipFile> = []
    yield* Effect.addFinalizer(() => Effect.sync(() => opened.forEach((zip) => zip.close())))
    return yield* Effect.tryPromise({
      try: async () =>
        info.isDirectory()
          ? folderEntries(source, opened)
          : zipEntries(
              await openZip((callback) => yauzl.open(source, { lazyEntries: true, autoClose: false }, callback)),
              basename(source),
              opened
            ),
      catch: (error) =>
        new DmdError({ file: source, detail: `cannot read it as a zip or folder (truncated or damaged?): ${(error as Error).message}` })
    })
  })

const releaseDate = (sources: ReadonlyArray<string>, files: ReadonlyArray<ReleaseFile>) => {
  for (const source of sources) {
    const match = archiveName.exec(basename(source))
    if (match !== null) return { number: match[1], date: `${match[2]}-${match[3]}-${match[4]}` }
  }
  // The main files' suffix: a digit, then ddmmyy.
  for (const file of files) {
    const match = fileDate.exec(fileName.exec(file.name)?.[2] ?? "")
    if (match !== null && !file.spec.bonus) return { number: undefined, date: `20${match[3]}-${match[2]}-${match[1]}` }
  }
  return undefined
}

/** Opens a release: the main zip or folder and, optionally, the bonus zip or folder. */
export const openRelease = (main: string, bonus?: string) =>
  Effect.gen(function* () {
    const files: Array<ReleaseFile> = []
    const unknown: Array<string> = []
    // The bonus source gives only bonus files: a bonus folder unpacked beside the main files does not count them twice.
    for (const [source, onlyBonus] of bonus === undefined
      ? [[main, false] as const]
      : ([
          [main, false],
          [bonus, true]
        ] as const)) {
      for (const entry of yield* sourceEntries(source)) {
        const type = fileName.exec(entry.name)?.[1]?.toLowerCase()
        if (type === undefined) continue
        const spec = fileSpecs.find((candidate) => candidate.type === type)
        if (spec === undefined) unknown.push(entry.path)
        else if (spec.bonus || !onlyBonus) files.push({ ...entry, spec })
      }
    }
    for (const type of [...mainTypes, ...bonusTypes]) {
      const ofType = files.filter((file) => file.spec.type === type)
      if (ofType.length > 1) {
        return yield* new DmdError({
          file: main,
          detail: `more than one f_${type} file: ${ofType.map((file) => file.path).join(", ")}; a release has one of each`
        })
      }
      if (ofType.length === 0 && mainTypes.includes(type)) {
        return yield* new DmdError({
          file: main,
          detail: `no f_${type} file: a release has one f_<type> file for each of ${mainTypes.join(", ")}`
        })
      }
    }
    if (bonus !== undefined && !files.some((file) => file.spec.bonus)) {
      return yield* new DmdError({ file: bonus, detail: `no bonus files (f_${bonusTypes.join(", f_")})` })
    }
    const dated = releaseDate(bonus === undefined ? [main] : [main, bonus], files)
    if (dated === undefined) {
      return yield* new DmdError({
        file: main,
        detail:
          "cannot tell the release date: neither the archive's name (nhsbsa_dmd_<release>_<yyyymmdd>000001) nor the files' suffixes give it"
      })
    }
    const compact = dated.date.replaceAll("-", "")
    const ordered = files.toSorted((a, b) => fileSpecs.indexOf(a.spec) - fileSpecs.indexOf(b.spec))
    return {
      version: dated.number === undefined ? compact : `${dated.number}_${compact}`,
      date: dated.date,
      files: ordered,
      unknown
    } satisfies DmdRelease
  })
