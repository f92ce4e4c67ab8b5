/** SNOMED CT's serving index on disk, in `@ffynnon/terminology`'s index files: change the format whenever the index's shape changes. */
import { PackedStrings, readIndexCache as readCache, writeIndexCache as writeCache, type IndexCacheFormat } from "@ffynnon/terminology"
import { SnomedIndex } from "./SnomedIndex"
import { PrefixIndex } from "./text"

export const cacheFormat = 5

export const snomedCacheFormat: IndexCacheFormat = { format: cacheFormat, classes: { SnomedIndex, PrefixIndex, PackedStrings } }

export const writeIndexCache = (index: SnomedIndex, path: string) => writeCache(snomedCacheFormat, index, path)
export const readIndexCache = (path: string) => readCache<SnomedIndex>(snomedCacheFormat, path)
