/**
 * Reads FHIR resources from what data teams hand over: one JSON file (a resource or a Bundle),
 * a folder of JSON files (recursively), or a FHIR package (https://hl7.org/fhir/packages.html):
 * a `.tgz` holding `package/package.json` and the package's resources directly in `package/`,
 * or the same unpacked. A package's subfolders (`example`, `other`, `openapi`, …) hold examples
 * and files whose use the specification leaves open, so they are not read.
 * Only CodeSystem, ValueSet and ConceptMap resources are kept; every other resource is counted
 * as skipped. Each kept resource is checked minimally, and a bad one stops the load, naming
 * the file and, in a Bundle, the entry.
 */
import { Either } from "effect"
import { createReadStream } from "node:fs"
import { open, readdir, readFile, stat } from "node:fs/promises"
import { basename, join, relative } from "node:path"
import { pipeline } from "node:stream"
import { createGunzip } from "node:zlib"
import { terminologyResourceTypes, type TerminologyResource, type TerminologyResourceType } from "../fhir"
import { sayInEnglish } from "../messages"
import { checkTerminologyResource } from "../shape"
import { FhirLoadError } from "./errors"
import { readTar, TarFormatError } from "./tar"

/** A resource found in the input, with where it was found, for messages. */
export interface FoundResource {
  readonly resource: TerminologyResource
  readonly file: string
  readonly entry?: number
}

export interface ReadInput {
  /** The package name, else the folder or file name without its extension. */
  readonly name: string
  /** The package version; undefined for plain files and folders. */
  readonly version?: string
  readonly resources: ReadonlyArray<FoundResource>
  /** Resources of other types, by type. */
  readonly skippedResources: Record<string, number>
  /** Files not read: not JSON, or in a package's subfolders. */
  readonly skippedFiles: number
}

interface InputFile {
  /** For messages: a full path, or the archive's path followed by the entry's. */
  readonly file: string
  readonly data: Buffer
}

const isTerminologyType = (type: string): type is TerminologyResourceType =>
  (terminologyResourceTypes as ReadonlyArray<string>).includes(type)

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/** JSON text as FHIR JSON allows it; a UTF-8 byte order mark, which some tools write, is dropped. */
const parseJson = ({ file, data }: InputFile): unknown => {
  const text = data.toString("utf8")
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch (error) {
    throw new FhirLoadError({ file, detail: `not valid JSON: ${(error as Error).message}` })
  }
}

/** The checks a stored resource must pass: a canonical URL to find it by, and the structure the engine reads. */
const checkResource = (type: TerminologyResourceType, resource: Record<string, unknown>, where: { file: string; entry?: number }) => {
  const fail = (detail: string) => new FhirLoadError({ ...where, detail })
  if (typeof resource.url !== "string" || resource.url.trim() === "") {
    throw fail(
      `${type} has no url: a stored ${type} needs its canonical URL${typeof resource.id === "string" ? ` (id '${resource.id}')` : ""}`
    )
  }
  if (resource.id !== undefined && typeof resource.id !== "string") throw fail(`${type}.id is not a string`)
  return Either.getOrThrowWith(checkTerminologyResource(resource), (problem) => fail(sayInEnglish(problem)))
}

type Collected = { resources: Array<FoundResource>; skippedResources: Record<string, number> }

const collectResource = (collected: Collected, value: unknown, where: { file: string; entry?: number }) => {
  const type = isObject(value) ? value.resourceType : undefined
  if (typeof type !== "string") throw new FhirLoadError({ ...where, detail: "not a FHIR resource: it has no resourceType" })
  if (isTerminologyType(type))
    collected.resources.push({ resource: checkResource(type, value as Record<string, unknown>, where), ...where })
  else collected.skippedResources[type] = (collected.skippedResources[type] ?? 0) + 1
}

/** The resources of one file: the resource itself, or a Bundle's entries. */
const collectFile = (collected: Collected, input: InputFile) => {
  const json = parseJson(input)
  if (!isObject(json) || json.resourceType !== "Bundle") return collectResource(collected, json, { file: input.file })
  const entries = json.entry ?? []
  if (!Array.isArray(entries)) throw new FhirLoadError({ file: input.file, detail: "Bundle.entry is not an array" })
  entries.forEach((entry: unknown, index) => {
    if (!isObject(entry) || !isObject(entry.resource)) {
      throw new FhirLoadError({ file: input.file, entry: index, detail: "the entry has no resource" })
    }
    collectResource(collected, entry.resource, { file: input.file, entry: index })
  })
}

const isJson = (path: string) => path.toLowerCase().endsWith(".json")

/** Dot files and folders (`.index.json`, `.git`) are not part of the input. */
const isHidden = (path: string) => path.split(/[/\\]/).some((part) => part.startsWith("."))

/** Every file under `folder`, as paths relative to it, in a stable order. */
const listFiles = async (folder: string) =>
  (await readdir(folder, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .filter((path) => !isHidden(path))
    .sort()

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false
  )

/** The manifest's name and version (https://hl7.org/fhir/packages.html: `package/package.json`). */
const readManifest = ({ file, data }: InputFile) => {
  const manifest = parseJson({ file, data })
  if (!isObject(manifest) || typeof manifest.name !== "string" || typeof manifest.version !== "string") {
    throw new FhirLoadError({ file, detail: "a FHIR package's package.json needs a name and a version" })
  }
  return { name: manifest.name, version: manifest.version }
}

/** Of a package's files (paths relative to its package folder), the ones that hold its resources. */
const isPackageResource = (path: string) => !path.includes("/") && isJson(path) && path !== "package.json"

const readPackageFolder = async (folder: string): Promise<ReadInput> => {
  const manifestFile = join(folder, "package.json")
  const manifest = readManifest({ file: manifestFile, data: await readFile(manifestFile) })
  const collected: Collected = { resources: [], skippedResources: {} }
  const files = await listFiles(folder)
  for (const path of files.filter(isPackageResource)) {
    collectFile(collected, { file: join(folder, path), data: await readFile(join(folder, path)) })
  }
  return { ...manifest, ...collected, skippedFiles: files.filter((path) => !isPackageResource(path) && path !== "package.json").length }
}

const readPlainFolder = async (folder: string): Promise<ReadInput> => {
  const collected: Collected = { resources: [], skippedResources: {} }
  const files = await listFiles(folder)
  for (const path of files.filter(isJson)) collectFile(collected, { file: join(folder, path), data: await readFile(join(folder, path)) })
  return { name: basename(folder), ...collected, skippedFiles: files.filter((path) => !isJson(path)).length }
}

const readArchive = async (archive: string): Promise<ReadInput> => {
  const collected: Collected = { resources: [], skippedResources: {} }
  let manifest: { name: string; version: string } | undefined
  let skippedFiles = 0
  const inPackage = (path: string) => (path.startsWith("package/") ? path.slice("package/".length) : undefined)
  const gunzip = pipeline(createReadStream(archive), createGunzip(), () => {})
  try {
    const entries = readTar(gunzip, (path) => {
      if (isHidden(path)) return false
      const inside = inPackage(path)
      const wanted = inside !== undefined && (inside === "package.json" || isPackageResource(inside))
      if (!wanted) skippedFiles++
      return wanted
    })
    for await (const { path, data } of entries) {
      const input = { file: `${archive}/${path}`, data }
      if (path === "package/package.json") manifest = readManifest(input)
      else collectFile(collected, input)
    }
  } catch (error) {
    if (error instanceof FhirLoadError) throw error
    const reason = error instanceof TarFormatError ? error.message : `${(error as Error).message} (is it a gzip-compressed tar?)`
    throw new FhirLoadError({ file: archive, detail: `cannot read the package: ${reason}` })
  } finally {
    // A bad file ends the reading early: release the file and the decompressor.
    gunzip.destroy()
  }
  if (manifest === undefined) throw new FhirLoadError({ file: archive, detail: "not a FHIR package: it has no package/package.json" })
  return { ...manifest, ...collected, skippedFiles }
}

const startsWithGzipMagic = async (file: string) => {
  const handle = await open(file)
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0)
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b
  } finally {
    await handle.close()
  }
}

/** Reads the resources at `path`: a JSON file, a folder, or a FHIR package (`.tgz`, or unpacked). */
export const readInput = async (path: string): Promise<ReadInput> => {
  const info = await stat(path).catch(() => {
    throw new FhirLoadError({ file: path, detail: "no such file or folder" })
  })
  if (info.isDirectory()) {
    if (await exists(join(path, "package", "package.json"))) return readPackageFolder(join(path, "package"))
    if (await exists(join(path, "package.json"))) return readPackageFolder(path)
    return readPlainFolder(path)
  }
  if (await startsWithGzipMagic(path)) return readArchive(path)
  const collected: Collected = { resources: [], skippedResources: {} }
  collectFile(collected, { file: path, data: await readFile(path) })
  return { name: basename(path).replace(/\.json$/i, ""), ...collected, skippedFiles: 0 }
}
