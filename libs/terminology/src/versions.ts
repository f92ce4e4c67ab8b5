/** FHIR business versions: matching with wildcards, and ordering newest first. */

/** Whether a version matches a requested one, where `x` (or `*`) in the request stands for any part. */
export const versionMatches = (version: string | undefined, wanted: string) => {
  if (version === wanted) return true
  if (version === undefined) return false
  const parts = wanted.split(".")
  if (!parts.some((part) => part === "x" || part === "*")) return false
  const have = version.split(".")
  return parts.every((part, position) => part === "x" || part === "*" || part === have[position])
}

/** Orders versions newest first: numeric parts numerically, otherwise as text. */
export const compareVersions = (a: string | undefined, b: string | undefined) => {
  const left = (a ?? "").split(/[.-]/)
  const right = (b ?? "").split(/[.-]/)
  for (let position = 0; position < Math.max(left.length, right.length); position++) {
    const x = left[position] ?? ""
    const y = right[position] ?? ""
    const difference = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(y) - Number(x) : y.localeCompare(x)
    if (difference !== 0) return difference
  }
  return 0
}

/** Whether a version names a range (`1.x`, `1.0.*`) rather than one version. */
export const isRange = (version: string) => version.split(".").some((part) => part === "x" || part === "*")
