/** Small FHIR resources and the inputs tests load them from: folders, Bundles and packages built with the system's tar. */
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"

export const base = "http://ffynnon.example/fhir"

export const codeSystem = (name: string, extra: Record<string, unknown> = {}) => ({
  resourceType: "CodeSystem",
  id: name,
  url: `${base}/CodeSystem/${name}`,
  version: "1.0.0",
  name,
  title: `Code system ${name}`,
  status: "active",
  content: "complete",
  concept: [
    { code: "a", display: "Alpha" },
    { code: "b", display: "Beta" }
  ],
  ...extra
})

export const valueSet = (name: string, extra: Record<string, unknown> = {}) => ({
  resourceType: "ValueSet",
  id: name,
  url: `${base}/ValueSet/${name}`,
  version: "1.0.0",
  name,
  title: `Value set ${name}`,
  status: "active",
  compose: { include: [{ system: `${base}/CodeSystem/${name}` }] },
  ...extra
})

export const conceptMap = (name: string, extra: Record<string, unknown> = {}) => ({
  resourceType: "ConceptMap",
  id: name,
  url: `${base}/ConceptMap/${name}`,
  version: "1.0.0",
  name,
  status: "draft",
  group: [
    {
      source: `${base}/CodeSystem/${name}`,
      target: "http://snomed.info/sct",
      element: [{ code: "a", target: [{ code: "73211009", equivalence: "equivalent" }] }]
    }
  ],
  ...extra
})

export const bundle = (...resources: Array<unknown>) => ({
  resourceType: "Bundle",
  type: "collection",
  entry: resources.map((resource) => ({ resource }))
})

/** A temporary folder holding `files` (path → JSON value, or text or bytes as they are); removed by `remove`. */
export const folderOf = (files: Record<string, unknown>, name = "resources") => {
  const root = mkdtempSync(join(tmpdir(), "ffynnon-fhir-"))
  const folder = join(root, name)
  for (const [path, value] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true })
    writeFileSync(join(folder, path), typeof value === "string" || value instanceof Uint8Array ? value : JSON.stringify(value, null, 2))
  }
  return { folder, root, remove: () => rmSync(root, { recursive: true, force: true }) }
}

/**
 * A FHIR package `.tgz` of `files` (paths inside `package/`), written by GNU tar in `format`
 * (`gnu` writes long names as GNU long-name entries, `pax` as extended headers).
 */
export const packageOf = (files: Record<string, unknown>, format: "gnu" | "pax" = "pax") => {
  const { root, remove } = folderOf(Object.fromEntries(Object.entries(files).map(([path, value]) => [join("package", path), value])), ".")
  const archive = join(root, "package.tgz")
  // package.json last, so the reader cannot rely on meeting it first.
  const paths = Object.keys(files)
    .map((path) => join("package", path))
    .sort((a, b) => Number(a.endsWith("/package.json")) - Number(b.endsWith("/package.json")))
  const tar = spawnSync("tar", [`--format=${format}`, "-czf", archive, "-C", root, ...paths], { encoding: "utf8" })
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`)
  return { archive, unpacked: root, remove }
}

export const hasTar = spawnSync("tar", ["--version"]).status === 0
