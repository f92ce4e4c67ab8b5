// RF2 files: where each one goes, its header, and a buffered writer that streams rows to disk.
// RF2 text is UTF-8, tab separated, with CRLF line ends and a header line first.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs"
import { dirname, join } from "node:path"
import { memberUuid } from "./ids.ts"
import { RELEASE_DATE, RELEASE_FOLDER } from "./metadata.ts"

export interface Rf2File {
  /** Path below the output directory. */
  readonly path: string
  readonly header: readonly string[]
}

const REFSET = ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId"] as const
const TERMINOLOGY = `${RELEASE_FOLDER}/Snapshot/Terminology`
const REFSETS = `${RELEASE_FOLDER}/Snapshot/Refset`

export const FILES = {
  concept: {
    path: `${TERMINOLOGY}/sct2_Concept_MONOSnapshot_GB_${RELEASE_DATE}.txt`,
    header: ["id", "effectiveTime", "active", "moduleId", "definitionStatusId"]
  },
  description: {
    path: `${TERMINOLOGY}/sct2_Description_MONOSnapshot-en_GB_${RELEASE_DATE}.txt`,
    header: ["id", "effectiveTime", "active", "moduleId", "conceptId", "languageCode", "typeId", "term", "caseSignificanceId"]
  },
  textDefinition: {
    path: `${TERMINOLOGY}/sct2_TextDefinition_MONOSnapshot-en_GB_${RELEASE_DATE}.txt`,
    header: ["id", "effectiveTime", "active", "moduleId", "conceptId", "languageCode", "typeId", "term", "caseSignificanceId"]
  },
  relationship: {
    path: `${TERMINOLOGY}/sct2_Relationship_MONOSnapshot_GB_${RELEASE_DATE}.txt`,
    header: [
      "id",
      "effectiveTime",
      "active",
      "moduleId",
      "sourceId",
      "destinationId",
      "relationshipGroup",
      "typeId",
      "characteristicTypeId",
      "modifierId"
    ]
  },
  concreteValue: {
    path: `${TERMINOLOGY}/sct2_RelationshipConcreteValues_MONOSnapshot_GB_${RELEASE_DATE}.txt`,
    header: [
      "id",
      "effectiveTime",
      "active",
      "moduleId",
      "sourceId",
      "value",
      "relationshipGroup",
      "typeId",
      "characteristicTypeId",
      "modifierId"
    ]
  },
  owlExpression: {
    path: `${TERMINOLOGY}/sct2_sRefset_OWLExpressionMONOSnapshot_GB_${RELEASE_DATE}.txt`,
    header: [...REFSET, "owlExpression"]
  },
  language: {
    path: `${REFSETS}/Language/der2_cRefset_LanguageMONOSnapshot-en_GB_${RELEASE_DATE}.txt`,
    header: [...REFSET, "acceptabilityId"]
  },
  simple: {
    path: `${REFSETS}/Content/der2_Refset_SimpleMONOSnapshot_GB_${RELEASE_DATE}.txt`,
    header: [...REFSET]
  },
  association: {
    path: `${REFSETS}/Content/der2_cRefset_AssociationMONOSnapshot_GB_${RELEASE_DATE}.txt`,
    header: [...REFSET, "targetComponentId"]
  },
  attributeValue: {
    path: `${REFSETS}/Content/der2_cRefset_AttributeValueMONOSnapshot_GB_${RELEASE_DATE}.txt`,
    header: [...REFSET, "valueId"]
  },
  extendedMap: {
    path: `${REFSETS}/Map/der2_iisssciRefset_ExtendedMapMONOSnapshot_GB_${RELEASE_DATE}.txt`,
    header: [...REFSET, "mapGroup", "mapPriority", "mapRule", "mapAdvice", "mapTarget", "correlationId", "mapCategoryId"]
  },
  simpleMap: {
    path: `${REFSETS}/Map/der2_sRefset_SimpleMapMONOSnapshot_GB_${RELEASE_DATE}.txt`,
    header: [...REFSET, "mapTarget"]
  },
  moduleDependency: {
    path: `${REFSETS}/Metadata/der2_ssRefset_ModuleDependencyMONOSnapshot_GB_${RELEASE_DATE}.txt`,
    header: [...REFSET, "sourceEffectiveTime", "targetEffectiveTime"]
  }
} as const satisfies Record<string, Rf2File>

export type FileKey = keyof typeof FILES
export const FILE_KEYS = Object.keys(FILES) as FileKey[]

const FLUSH_AT = 1 << 20

/**
 * Appends rows to one RF2 file through a ~1 MB string buffer, written out with blocking writes
 * (so memory stays bounded whatever the file size, on Node and Bun alike).
 */
export class Rf2Writer {
  rows = 0
  bytes = 0
  private buffer = ""
  private readonly fd: number

  constructor(
    readonly file: Rf2File,
    outDir: string
  ) {
    const path = join(outDir, file.path)
    mkdirSync(dirname(path), { recursive: true })
    this.fd = openSync(path, "w")
    this.buffer = file.header.join("\t") + "\r\n"
  }

  /** Appends one row, given as its tab-separated fields. */
  row(line: string): void {
    this.buffer += line + "\r\n"
    this.rows++
    if (this.buffer.length >= FLUSH_AT) this.flush()
  }

  flush(): void {
    if (this.buffer.length === 0) return
    const data = Buffer.from(this.buffer, "utf8")
    this.buffer = ""
    for (let offset = 0; offset < data.length;) offset += writeSync(this.fd, data, offset, data.length - offset)
    this.bytes += data.length
  }

  close(): void {
    this.flush()
    closeSync(this.fd)
  }
}

/**
 * Refset member ids for one file: UUIDs from a counter. Each file has its own block of 2^27
 * counter values, so ids are unique across the release and passes can run in any order.
 */
export class MemberIds {
  private n: number
  constructor(
    private readonly salt: number,
    file: FileKey
  ) {
    this.n = FILE_KEYS.indexOf(file) * 2 ** 27
  }
  next(): string {
    return memberUuid(this.salt, this.n++)
  }
}

export const flag = (active: boolean): string => (active ? "1" : "0")
