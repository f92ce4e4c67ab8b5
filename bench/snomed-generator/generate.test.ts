// Generates a release at scale 0.001 and checks it the way a loader would see it: file layout,
// headers, CRLF, column counts, identifiers on every row, referential integrity, and that
// ground-truth.json agrees with what the files say.
import { createHash } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { isSctid, isUuid, type ComponentKind } from "./ids.ts"
import { generateRelease, type ReleaseResult } from "./release.ts"
import { type GroundTruth } from "./truth.ts"

const ROOT = "SnomedCT_MonolithRF2_PRODUCTION_20260101T000001Z/Snapshot"
const REFSET = "id\teffectiveTime\tactive\tmoduleId\trefsetId\treferencedComponentId"
const COMPONENT = "id\teffectiveTime\tactive\tmoduleId"

type IdCheck = ComponentKind | "uuid" | "sctid"
interface FileSpec {
  readonly path: string
  readonly header: string
  /** Columns holding identifiers, and what kind each must be. */
  readonly ids: Record<string, IdCheck>
}

const REFSET_IDS = { id: "uuid", moduleId: "concept", refsetId: "concept", referencedComponentId: "sctid" } as const

const FILES: Record<string, FileSpec> = {
  concept: {
    path: `${ROOT}/Terminology/sct2_Concept_MONOSnapshot_GB_20260101.txt`,
    header: `${COMPONENT}\tdefinitionStatusId`,
    ids: { id: "concept", moduleId: "concept", definitionStatusId: "concept" }
  },
  description: {
    path: `${ROOT}/Terminology/sct2_Description_MONOSnapshot-en_GB_20260101.txt`,
    header: `${COMPONENT}\tconceptId\tlanguageCode\ttypeId\tterm\tcaseSignificanceId`,
    ids: { id: "description", moduleId: "concept", conceptId: "concept", typeId: "concept", caseSignificanceId: "concept" }
  },
  textDefinition: {
    path: `${ROOT}/Terminology/sct2_TextDefinition_MONOSnapshot-en_GB_20260101.txt`,
    header: `${COMPONENT}\tconceptId\tlanguageCode\ttypeId\tterm\tcaseSignificanceId`,
    ids: { id: "description", moduleId: "concept", conceptId: "concept", typeId: "concept", caseSignificanceId: "concept" }
  },
  relationship: {
    path: `${ROOT}/Terminology/sct2_Relationship_MONOSnapshot_GB_20260101.txt`,
    header: `${COMPONENT}\tsourceId\tdestinationId\trelationshipGroup\ttypeId\tcharacteristicTypeId\tmodifierId`,
    ids: {
      id: "relationship",
      moduleId: "concept",
      sourceId: "concept",
      destinationId: "concept",
      typeId: "concept",
      characteristicTypeId: "concept",
      modifierId: "concept"
    }
  },
  concreteValue: {
    path: `${ROOT}/Terminology/sct2_RelationshipConcreteValues_MONOSnapshot_GB_20260101.txt`,
    header: `${COMPONENT}\tsourceId\tvalue\trelationshipGroup\ttypeId\tcharacteristicTypeId\tmodifierId`,
    ids: {
      id: "relationship",
      moduleId: "concept",
      sourceId: "concept",
      typeId: "concept",
      characteristicTypeId: "concept",
      modifierId: "concept"
    }
  },
  owlExpression: {
    path: `${ROOT}/Terminology/sct2_sRefset_OWLExpressionMONOSnapshot_GB_20260101.txt`,
    header: `${REFSET}\towlExpression`,
    ids: { ...REFSET_IDS, referencedComponentId: "concept" }
  },
  language: {
    path: `${ROOT}/Refset/Language/der2_cRefset_LanguageMONOSnapshot-en_GB_20260101.txt`,
    header: `${REFSET}\tacceptabilityId`,
    ids: { ...REFSET_IDS, referencedComponentId: "description", acceptabilityId: "concept" }
  },
  simple: {
    path: `${ROOT}/Refset/Content/der2_Refset_SimpleMONOSnapshot_GB_20260101.txt`,
    header: REFSET,
    ids: { ...REFSET_IDS, referencedComponentId: "concept" }
  },
  association: {
    path: `${ROOT}/Refset/Content/der2_cRefset_AssociationMONOSnapshot_GB_20260101.txt`,
    header: `${REFSET}\ttargetComponentId`,
    ids: { ...REFSET_IDS, referencedComponentId: "concept", targetComponentId: "concept" }
  },
  attributeValue: {
    path: `${ROOT}/Refset/Content/der2_cRefset_AttributeValueMONOSnapshot_GB_20260101.txt`,
    header: `${REFSET}\tvalueId`,
    ids: { ...REFSET_IDS, valueId: "concept" }
  },
  extendedMap: {
    path: `${ROOT}/Refset/Map/der2_iisssciRefset_ExtendedMapMONOSnapshot_GB_20260101.txt`,
    header: `${REFSET}\tmapGroup\tmapPriority\tmapRule\tmapAdvice\tmapTarget\tcorrelationId\tmapCategoryId`,
    ids: { ...REFSET_IDS, referencedComponentId: "concept", correlationId: "concept", mapCategoryId: "concept" }
  },
  simpleMap: {
    path: `${ROOT}/Refset/Map/der2_sRefset_SimpleMapMONOSnapshot_GB_20260101.txt`,
    header: `${REFSET}\tmapTarget`,
    ids: { ...REFSET_IDS, referencedComponentId: "concept" }
  },
  moduleDependency: {
    path: `${ROOT}/Refset/Metadata/der2_ssRefset_ModuleDependencyMONOSnapshot_GB_20260101.txt`,
    header: `${REFSET}\tsourceEffectiveTime\ttargetEffectiveTime`,
    ids: { ...REFSET_IDS, referencedComponentId: "concept" }
  }
}

const ROOT_ID = "138875005"
const IS_A = "116680003"
const INFERRED = "900000000000011006"
const FSN = "900000000000003001"
const SYNONYM = "900000000000013009"
const PREFERRED = "900000000000548007"
const GB = "900000000000508004"
const UK = "999001261000000100"
const ICD10_MAP = "999002271000000101"

type Row = Record<string, string>

let outDir: string
let result: ReleaseResult
let truth: GroundTruth
const raw = new Map<string, Buffer>()
const rows = new Map<string, Row[]>()

function table(key: string): Row[] {
  const t = rows.get(key)
  if (t === undefined) throw new Error(`no file ${key}`)
  return t
}

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), "snomed-synth-"))
  result = generateRelease({ outDir, scale: 0.001, seed: 42 })
  truth = JSON.parse(readFileSync(join(outDir, "ground-truth.json"), "utf8")) as GroundTruth
  for (const [key, spec] of Object.entries(FILES)) {
    const bytes = readFileSync(join(outDir, spec.path))
    raw.set(key, bytes)
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes)
    const lines = text.split("\r\n")
    lines.pop()
    const header = lines[0]!.split("\t")
    rows.set(
      key,
      lines.slice(1).map((line) => {
        const fields = line.split("\t")
        return Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ""]))
      })
    )
  }
})

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

describe("synthetic RF2 snapshot at scale 0.001", () => {
  it("writes every file with its RF2 header, CRLF line ends and UTF-8", () => {
    for (const [key, spec] of Object.entries(FILES)) {
      const bytes = raw.get(key)!
      const text = bytes.toString("utf8")
      expect(text.startsWith(spec.header + "\r\n"), key).toBe(true)
      expect(text.endsWith("\r\n"), key).toBe(true)
      // Every LF is preceded by CR, and there is no CR elsewhere.
      expect(text.split("\r\n").join("").includes("\n"), key).toBe(false)
      expect(text.split("\r\n").join("").includes("\r"), key).toBe(false)
      expect(bytes[0] === 0xef && bytes[1] === 0xbb, `${key} has no BOM`).toBe(false)
    }
  })

  it("has the right number of columns and valid ids on every row", () => {
    for (const [key, spec] of Object.entries(FILES)) {
      const columns = spec.header.split("\t").length
      const lines = raw.get(key)!.toString("utf8").split("\r\n").slice(1, -1)
      expect(lines.length, key).toBeGreaterThan(0)
      for (const line of lines) expect(line.split("\t").length, `${key}: ${line}`).toBe(columns)
      for (const row of table(key)) {
        expect(row.effectiveTime, key).toMatch(/^(200[2-9]|201\d|202[0-5])\d{4}$|^20260101$/)
        expect(["0", "1"], key).toContain(row.active)
        for (const [column, kind] of Object.entries(spec.ids)) {
          const value = row[column]!
          const ok = kind === "uuid" ? isUuid(value) : kind === "sctid" ? isSctid(value) : isSctid(value, kind)
          if (!ok) expect.fail(`${key}: ${column} ${JSON.stringify(value)} is not a valid ${kind}`)
        }
      }
    }
  })

  it("has unique component and member ids", () => {
    const sctids = ["concept", "description", "textDefinition", "relationship", "concreteValue"].flatMap((k) => table(k).map((r) => r.id!))
    expect(new Set(sctids).size).toBe(sctids.length)
    const uuids = Object.entries(FILES)
      .filter(([, spec]) => spec.ids.id === "uuid")
      .flatMap(([k]) => table(k).map((r) => r.id!))
    expect(new Set(uuids).size).toBe(uuids.length)
  })

  it("references only components the release contains", () => {
    const concepts = new Set(table("concept").map((r) => r.id!))
    const descriptions = new Set([...table("description"), ...table("textDefinition")].map((r) => r.id!))
    const conceptColumns = [
      "moduleId",
      "definitionStatusId",
      "conceptId",
      "typeId",
      "caseSignificanceId",
      "sourceId",
      "destinationId",
      "characteristicTypeId",
      "modifierId",
      "refsetId",
      "acceptabilityId",
      "valueId",
      "targetComponentId",
      "correlationId",
      "mapCategoryId"
    ]
    for (const [key] of Object.entries(FILES)) {
      for (const row of table(key)) {
        for (const c of conceptColumns) {
          if (row[c] !== undefined && !concepts.has(row[c]!)) expect.fail(`${key}: ${c} ${row[c]} is not a concept of the release`)
        }
        const ref = row.referencedComponentId
        if (ref !== undefined && !concepts.has(ref) && !descriptions.has(ref)) expect.fail(`${key}: ${ref} is not in the release`)
      }
    }
    for (const r of table("language")) expect(descriptions.has(r.referencedComponentId!)).toBe(true)
  })

  it("matches the ground truth's counts", () => {
    for (const spec of Object.values(FILES)) {
      const key = Object.keys(FILES).find((k) => FILES[k] === spec)!
      expect(truth.files[spec.path], spec.path).toBe(table(key).length)
    }
    const concepts = table("concept")
    expect(truth.concepts.total).toBe(concepts.length)
    expect(truth.concepts.active).toBe(concepts.filter((r) => r.active === "1").length)
    expect(truth.concepts.inactive).toBe(concepts.filter((r) => r.active === "0").length)
    expect(concepts.length).toBeGreaterThanOrEqual(1000)
    expect(concepts.length).toBeLessThan(1150)
    expect(truth.concepts.inactive / truth.concepts.total).toBeCloseTo(0.2, 1)
    expect(result.rows.concept).toBe(concepts.length)
  })

  it("has 19 top-level hierarchies and an acyclic is-a graph reaching the root", () => {
    const { parents, children } = isAGraph()
    expect(children.get(ROOT_ID)?.length).toBe(19)
    expect(truth.model.topLevelHierarchies).toBe(19)
    const active = new Set(
      table("concept")
        .filter((r) => r.active === "1")
        .map((r) => r.id!)
    )
    // Every active concept but the root has an active parent; walking up always ends at the root.
    const depth = new Map<string, number>([[ROOT_ID, 0]])
    const depthOf = (c: string, path: Set<string>): number => {
      const known = depth.get(c)
      if (known !== undefined) return known
      if (path.has(c)) throw new Error(`cycle through ${c}`)
      path.add(c)
      const ps = parents.get(c) ?? []
      if (ps.length === 0) throw new Error(`${c} has no parent`)
      const d = 1 + Math.min(...ps.map((p) => depthOf(p, path)))
      path.delete(c)
      depth.set(c, d)
      return d
    }
    for (const c of active) depthOf(c, new Set())
    for (const [c, ps] of parents) {
      expect(active.has(c)).toBe(true)
      for (const p of ps) expect(active.has(p), `parent ${p} of ${c} is active`).toBe(true)
    }
    expect(Math.max(...depth.values())).toBe(truth.model.maxDepth)
    const multi = [...parents.values()].filter((ps) => ps.length > 1).length
    expect(multi / (active.size - 1)).toBeCloseTo(truth.model.multiParentShare, 2)
  })

  it("gives every active concept one FSN and exactly one preferred synonym per language refset", () => {
    const { fsn, preferred } = termsFromFiles()
    for (const r of table("concept")) {
      if (r.active !== "1") continue
      expect(fsn.get(r.id!)?.length, `FSN of ${r.id}`).toBe(1)
      for (const refset of [GB, UK]) expect(preferred.get(`${refset}:${r.id}`)?.length, `${refset} preferred term of ${r.id}`).toBe(1)
    }
    // FSNs carry a semantic tag; some terms are long or non-ASCII.
    const terms = table("description").map((r) => r.term!)
    for (const r of table("description")) if (r.typeId === FSN) expect(r.term).toMatch(/ \([^()]+\)$/)
    expect(Math.max(...terms.map((t) => t.length))).toBe(4096)
    expect(terms.some((t) => /[^\x00-\x7f]/.test(t))).toBe(true)
  })

  it("agrees with the ground truth's terms", () => {
    const { fsn, preferred } = termsFromFiles()
    expect(truth.terms.length).toBeGreaterThanOrEqual(150)
    for (const t of truth.terms) {
      expect(fsn.get(t.conceptId), t.conceptId).toEqual([t.fsn])
      for (const refset of [GB, UK]) expect(preferred.get(`${refset}:${t.conceptId}`), t.conceptId).toEqual([t.preferredTerm[refset]])
    }
  })

  it("agrees with the ground truth's descendant counts", () => {
    const { children } = isAGraph()
    expect(truth.descendantCounts.length).toBeGreaterThanOrEqual(40)
    const active = table("concept").filter((r) => r.active === "1").length
    expect(truth.descendantCounts.find((d) => d.conceptId === ROOT_ID)?.count).toBe(active - 1)
    for (const d of truth.descendantCounts) {
      const seen = new Set<string>()
      const stack = [d.conceptId]
      while (stack.length > 0) {
        for (const c of children.get(stack.pop()!) ?? []) {
          if (!seen.has(c)) {
            seen.add(c)
            stack.push(c)
          }
        }
      }
      expect(seen.size, d.conceptId).toBe(d.count)
    }
  })

  it("agrees with the ground truth's subsumption answers", () => {
    const { parents } = isAGraph()
    const ancestors = (c: string): Set<string> => {
      const out = new Set<string>([c])
      const stack = [c]
      while (stack.length > 0) {
        for (const p of parents.get(stack.pop()!) ?? []) {
          if (!out.has(p)) {
            out.add(p)
            stack.push(p)
          }
        }
      }
      return out
    }
    expect(truth.subsumption.length).toBeGreaterThanOrEqual(450)
    const outcomes = new Set<string>()
    for (const { codeA, codeB, outcome } of truth.subsumption) {
      const expected =
        codeA === codeB
          ? "equivalent"
          : ancestors(codeB).has(codeA)
            ? "subsumes"
            : ancestors(codeA).has(codeB)
              ? "subsumed-by"
              : "not-subsumed"
      expect(outcome, `${codeA} vs ${codeB}`).toBe(expected)
      outcomes.add(outcome)
    }
    expect([...outcomes].sort()).toEqual(["equivalent", "not-subsumed", "subsumed-by", "subsumes"])
  })

  it("agrees with the ground truth's ICD-10 map rows", () => {
    const byConcept = new Map<string, Row[]>()
    for (const r of table("extendedMap")) {
      expect(r.refsetId).toBe(ICD10_MAP)
      expect(r.mapTarget).toMatch(/^$|^[A-Z][0-9]{2}[0-9X]$/)
      byConcept.set(r.referencedComponentId!, [...(byConcept.get(r.referencedComponentId!) ?? []), r])
    }
    expect(truth.icd10Maps.length).toBeGreaterThanOrEqual(50)
    expect(truth.icd10Maps.some((m) => m.rows.length > 0)).toBe(true)
    for (const m of truth.icd10Maps) {
      const fromFile = (byConcept.get(m.conceptId) ?? []).map((r) => ({
        active: r.active === "1",
        mapGroup: Number(r.mapGroup),
        mapPriority: Number(r.mapPriority),
        mapRule: r.mapRule,
        mapAdvice: r.mapAdvice,
        mapTarget: r.mapTarget,
        correlationId: r.correlationId,
        mapCategoryId: r.mapCategoryId
      }))
      expect(fromFile, m.conceptId).toEqual(m.rows)
    }
    const rules = table("extendedMap").map((r) => r.mapRule!)
    expect(rules.some((r) => r.startsWith("IFA "))).toBe(true)
    expect(rules).toContain("OTHERWISE TRUE")
  })

  it("agrees with the ground truth's inactivations and associations", () => {
    const indicator = new Map(
      table("attributeValue")
        .filter((r) => r.refsetId === "900000000000489007")
        .map((r) => [r.referencedComponentId!, r.valueId!])
    )
    const inactive = table("concept").filter((r) => r.active === "0")
    for (const r of inactive) expect(indicator.has(r.id!), `indicator of ${r.id}`).toBe(true)
    expect(truth.associations.length).toBeGreaterThanOrEqual(50)
    for (const a of truth.associations) {
      expect(indicator.get(a.conceptId)).toBe(a.inactivationIndicator)
      const fromFile = table("association")
        .filter((r) => r.referencedComponentId === a.conceptId)
        .map((r) => ({ refsetId: r.refsetId, targetComponentId: r.targetComponentId, active: r.active === "1" }))
      expect(fromFile).toEqual(a.rows)
    }
    // Most inactive concepts say what replaces them, and targets are active.
    const active = new Set(
      table("concept")
        .filter((r) => r.active === "1")
        .map((r) => r.id!)
    )
    const replaced = new Set(
      table("association")
        .filter((r) => r.active === "1" && ["900000000000526001", "900000000000527005"].includes(r.refsetId!))
        .map((r) => r.referencedComponentId!)
    )
    expect(replaced.size / inactive.length).toBeGreaterThan(0.6)
    for (const r of table("association")) expect(active.has(r.targetComponentId!)).toBe(true)
  })

  it("writes an OWL axiom naming the parents of every active concept", () => {
    const { parents } = isAGraph()
    const axioms = new Map(
      table("owlExpression")
        .filter((r) => r.refsetId === "733073007" && r.active === "1")
        .map((r) => [r.referencedComponentId!, r.owlExpression!])
    )
    for (const [c, ps] of parents) {
      const axiom = axioms.get(c)
      expect(axiom, c).toMatch(new RegExp(`^(SubClassOf|EquivalentClasses)\\(:${c} `))
      for (const p of ps) expect(axiom).toContain(`:${p}`)
    }
  })

  it("is deterministic for a seed and differs between seeds", () => {
    const again = mkdtempSync(join(tmpdir(), "snomed-synth-"))
    const other = mkdtempSync(join(tmpdir(), "snomed-synth-"))
    try {
      generateRelease({ outDir: again, scale: 0.001, seed: 42 })
      generateRelease({ outDir: other, scale: 0.001, seed: 7 })
      const hash = (dir: string, key: string) =>
        createHash("sha256")
          .update(readFileSync(join(dir, FILES[key]!.path)))
          .digest("hex")
      for (const key of Object.keys(FILES)) expect(hash(again, key), key).toBe(hash(outDir, key))
      expect(hash(other, "description")).not.toBe(hash(outDir, "description"))
      expect(readFileSync(join(again, "ground-truth.json"), "utf8")).toBe(readFileSync(join(outDir, "ground-truth.json"), "utf8"))
    } finally {
      rmSync(again, { recursive: true, force: true })
      rmSync(other, { recursive: true, force: true })
    }
  })
})

/** Active inferred is-a relationships from the relationship file. */
function isAGraph(): { parents: Map<string, string[]>; children: Map<string, string[]> } {
  const parents = new Map<string, string[]>()
  const children = new Map<string, string[]>()
  for (const r of table("relationship")) {
    if (r.active !== "1" || r.typeId !== IS_A || r.characteristicTypeId !== INFERRED) continue
    parents.set(r.sourceId!, [...(parents.get(r.sourceId!) ?? []), r.destinationId!])
    children.set(r.destinationId!, [...(children.get(r.destinationId!) ?? []), r.sourceId!])
  }
  return { parents, children }
}

/** Active FSNs per concept, and active preferred synonyms per "refset:concept". */
function termsFromFiles(): { fsn: Map<string, string[]>; preferred: Map<string, string[]> } {
  const descriptions = new Map(table("description").map((r) => [r.id!, r]))
  const fsn = new Map<string, string[]>()
  const preferred = new Map<string, string[]>()
  for (const d of descriptions.values()) {
    if (d.active === "1" && d.typeId === FSN) fsn.set(d.conceptId!, [...(fsn.get(d.conceptId!) ?? []), d.term!])
  }
  for (const m of table("language")) {
    if (m.active !== "1" || m.acceptabilityId !== PREFERRED) continue
    const d = descriptions.get(m.referencedComponentId!)
    if (d === undefined || d.active !== "1" || d.typeId !== SYNONYM) continue
    const key = `${m.refsetId}:${d.conceptId}`
    preferred.set(key, [...(preferred.get(key) ?? []), d.term!])
  }
  return { fsn, preferred }
}
