/**
 * `$validate-code` for a value set (https://hl7.org/fhir/R4/valueset-operation-validate-code.html)
 * or a code system (codesystem-operation-validate-code.html): for each coding, whether the code
 * system is known, the code exists, it is active, it is in the value set, and the display is one
 * of the concept's designations for the requested language. The answer is a `Parameters` with
 * `result`, `message`, the resolved `code`/`system`/`version`/`display`, `inactive` and an `issues`
 * OperationOutcome in the shape terminology clients read (issue type plus tx-issue-type, and the
 * FHIRPath of the element at fault).
 */
import type { CodeableConcept, Coding } from "./fhir"
import {
  containsConcept,
  includesOf,
  versionList,
  valueSetCanonical,
  type CodeSystemResolution,
  type Composition,
  type Resolver,
  type VersionRules
} from "./valueset/engine"
import { versionMatches } from "./versions"

export interface ValidationIssue {
  readonly severity: "error" | "warning" | "information"
  readonly code: string
  readonly txIssueType: string
  readonly text: string
  readonly expression: ReadonlyArray<string>
}

export interface ValidateOptions {
  readonly resolver: Resolver
  readonly rules: VersionRules
  /** The value set to validate against; absent for CodeSystem/$validate-code. */
  readonly composition?: Composition
  readonly languages: ReadonlyArray<string>
  readonly activeOnly: boolean
  readonly inferSystem: boolean
  readonly lenientDisplay: boolean
}

/** Where each element of a coding sits in the request, for issue expressions. */
export interface CodingPaths {
  readonly coding: string
  readonly code: string
  readonly system: string
  readonly version: string
  readonly display: string
}

export const codePaths: CodingPaths = { coding: "code", code: "code", system: "system", version: "version", display: "display" }
export const codingPaths: CodingPaths = {
  coding: "Coding",
  code: "Coding.code",
  system: "Coding.system",
  version: "Coding.version",
  display: "Coding.display"
}
export const codeableConceptPaths = (index: number): CodingPaths => {
  const base = `CodeableConcept.coding[${index}]`
  return { coding: base, code: `${base}.code`, system: `${base}.system`, version: `${base}.version`, display: `${base}.display` }
}

interface CodingOutcome {
  readonly valid: boolean
  readonly issues: Array<ValidationIssue>
  readonly parameters: Array<{ readonly name: string } & Record<string, unknown>>
}

const txIssue = (
  severity: ValidationIssue["severity"],
  code: string,
  txIssueType: string,
  text: string,
  expression: string
): ValidationIssue => ({ severity, code, txIssueType, text, expression: [expression] })

const normaliseSpace = (text: string) => text.trim().replace(/\s+/g, " ")

const validateCoding = (coding: Coding, paths: CodingPaths, options: ValidateOptions, valueSetName: string | undefined): CodingOutcome => {
  const issues: Array<ValidationIssue> = []
  const parameters: Array<{ readonly name: string } & Record<string, unknown>> = []
  const code = coding.code ?? ""
  let system = coding.system
  if (system === undefined && options.composition !== undefined) {
    const candidates = options.composition.includes.flatMap((include) =>
      include.provider !== undefined && include.provider.locate(code) !== undefined ? [include.provider.system] : []
    )
    const unique = [...new Set(candidates)]
    if (unique.length === 1) system = unique[0]
    else {
      issues.push(
        txIssue(
          "error",
          "code-invalid",
          "not-in-vs",
          `The provided code '#${code}' was not found in the value set '${valueSetName}'`,
          paths.code
        ),
        txIssue(
          "error",
          "not-found",
          "cannot-infer",
          `The System URI could not be determined for the code '${code}' in the ValueSet '${valueSetName}'`,
          paths.code
        )
      )
      return { valid: false, issues, parameters: [{ name: "code", valueCode: code }] }
    }
  }
  if (system === undefined) {
    issues.push(
      txIssue("error", "invalid", "invalid-data", "Coding has no system. A code with no system has no defined meaning", paths.system)
    )
    return { valid: false, issues, parameters: [{ name: "code", valueCode: code }] }
  }
  parameters.push({ name: "code", valueCode: code }, { name: "system", valueUri: system })
  const notInValueSet = (described: string) =>
    txIssue(
      "error",
      "code-invalid",
      "not-in-vs",
      `The provided code '${described}' was not found in the value set '${valueSetName}'`,
      paths.code
    )

  const unknownVersion = (version: string, known: ReadonlyArray<string>) => {
    issues.push(
      txIssue(
        "error",
        "not-found",
        "not-found",
        `A definition for CodeSystem '${system}' version '${version}' could not be found, so the code cannot be validated. Valid versions: ${versionList(known)}`,
        paths.system
      )
    )
    parameters.push({ name: "x-caused-by-unknown-system", valueCanonical: `${system}|${version}` })
  }
  const versionMismatch = (valueSetVersion: string | undefined) =>
    issues.push(
      txIssue(
        "error",
        "invalid",
        "vs-invalid",
        `The code system '${system}' version '${valueSetVersion}' in the ValueSet include is different to the one in the value ('${coding.version}')`,
        paths.version
      )
    )

  // Within a value set that includes the system, the value set decides the version; a coding
  // that names another version is reported, and the code is still checked at the value set's.
  const included = options.composition === undefined ? [] : includesOf(options.composition, system)
  let resolution: CodeSystemResolution
  if (included.length > 0) {
    const chosen = included.find((include) => include.provider?.locate(code) !== undefined) ?? included[0]!
    const codingResolution = coding.version === undefined ? undefined : options.resolver.codeSystem(system, coding.version)
    if (codingResolution?._tag === "unknown-version") unknownVersion(coding.version!, codingResolution.known)
    const includeVersion = chosen.provider?.version ?? chosen.unresolved?.version
    if (
      coding.version !== undefined &&
      !versionMatches(includeVersion, coding.version) &&
      !versionMatches(coding.version, includeVersion ?? "")
    ) {
      versionMismatch(includeVersion)
    }
    if (chosen.provider === undefined) {
      const failed = options.resolver.codeSystem(system, chosen.unresolved?.version)
      if (failed._tag === "unknown-version") unknownVersion(chosen.unresolved!.version!, failed.known)
      if (codingResolution?._tag === "found") {
        const found = codingResolution.provider
        if (found.version !== undefined) parameters.push({ name: "version", valueString: found.version })
        const concept = found.locate(code)
        const display = concept === undefined ? undefined : found.display(concept, options.languages)
        if (display !== undefined) parameters.push({ name: "display", valueString: display })
      }
      return { valid: false, issues, parameters }
    }
    resolution = { _tag: "found", provider: chosen.provider }
  } else {
    resolution = options.resolver.codeSystem(
      system,
      options.rules.forced.get(system) ?? coding.version ?? options.rules.defaults.get(system) ?? options.rules.checked.get(system)
    )
  }
  if (resolution._tag !== "found") {
    const notCodeSystem =
      resolution._tag === "supplement"
        ? `CodeSystem ${resolution.canonical} is a supplement, so can't be used as a value in ${paths.system}`
        : options.resolver.valueSet(system, undefined) !== undefined
          ? `The Coding references a value set, not a code system ('${system}')`
          : undefined
    if (notCodeSystem !== undefined) {
      issues.push(txIssue("error", "invalid", "invalid-data", notCodeSystem, paths.system))
    } else if (resolution._tag === "unknown-version") {
      unknownVersion(coding.version ?? "", resolution.known)
    } else {
      issues.push(
        txIssue(
          "error",
          "not-found",
          "not-found",
          `A definition for CodeSystem '${system}' could not be found, so the code cannot be validated`,
          paths.system
        )
      )
      parameters.push({ name: "x-unknown-system", valueCanonical: system })
    }
    if (valueSetName !== undefined) issues.push(notInValueSet(`${system}#${code}`))
    return { valid: false, issues, parameters }
  }
  const provider = resolution.provider
  if (provider.version !== undefined) parameters.push({ name: "version", valueString: provider.version })
  const concept = provider.locate(code)
  if (concept === undefined) {
    if (valueSetName !== undefined) issues.push(notInValueSet(`${system}#${code}`))
    issues.push(
      txIssue(
        "error",
        "code-invalid",
        "invalid-code",
        `Unknown code '${code}' in the CodeSystem '${system}'${provider.version === undefined ? "" : ` version '${provider.version}'`}`,
        paths.code
      )
    )
    return { valid: false, issues, parameters }
  }
  const canonicalCode = provider.code(concept)
  if (canonicalCode !== code) parameters[0] = { name: "code", valueCode: canonicalCode }
  const display = provider.display(concept, options.languages)
  if (display !== undefined) parameters.push({ name: "display", valueString: display })
  let valid = !issues.some((issue) => issue.severity === "error")
  if (provider.isInactive(concept)) {
    parameters.push({ name: "inactive", valueBoolean: true })
    const status = provider.status(concept)
    issues.push(
      txIssue(
        "warning",
        "business-rule",
        "code-comment",
        `The concept '${canonicalCode}' has a status of ${status !== undefined && status !== "inactive" ? `${status} and inactive` : "inactive"} and its use should be reviewed`,
        paths.coding
      )
    )
    if (options.activeOnly) {
      valid = false
      issues.push(txIssue("error", "business-rule", "code-rule", `The concept '${canonicalCode}' is valid but is not active`, paths.code))
    }
  }
  if (options.composition !== undefined && (!valid || !containsConcept(options.composition, provider, concept))) {
    valid = false
    issues.push(notInValueSet(`${system}#${code}`))
  }
  if (coding.display !== undefined && display !== undefined) {
    if (!provider.hasDisplay(concept, coding.display, options.languages)) {
      const spacing = provider.hasDisplay(concept, normaliseSpace(coding.display), options.languages)
      const languages = options.languages.length === 0 ? "--" : options.languages.join(", ")
      const text = `${spacing ? "Wrong whitespace in Display Name" : "Wrong Display Name"} '${coding.display}' for ${system}#${canonicalCode}. Valid display is '${display}'${provider.language === undefined ? "" : ` (${provider.language})`} (for the language(s) '${languages}')`
      if (options.lenientDisplay) issues.push(txIssue("warning", "invalid", "invalid-display", text, paths.display))
      else {
        valid = false
        issues.push(txIssue("error", "invalid", "invalid-display", text, paths.display))
      }
    }
  }
  return { valid, issues, parameters }
}

const outcome = (issues: ReadonlyArray<ValidationIssue>) => ({
  resourceType: "OperationOutcome",
  issue: issues.map((issue) => ({
    severity: issue.severity,
    code: issue.code,
    details: { coding: [{ system: "http://hl7.org/fhir/tools/CodeSystem/tx-issue-type", code: issue.txIssueType }], text: issue.text },
    location: issue.expression,
    expression: issue.expression
  }))
})

const answer = (
  result: boolean,
  issues: ReadonlyArray<ValidationIssue>,
  parameters: ReadonlyArray<{ readonly name: string } & Record<string, unknown>>
) => ({
  resourceType: "Parameters",
  parameter: [
    { name: "result", valueBoolean: result },
    ...(issues.length === 0 ? [] : [{ name: "message", valueString: issues.map((issue) => issue.text).join("; ") }]),
    ...parameters,
    ...(issues.length === 0 ? [] : [{ name: "issues", resource: outcome(issues) }])
  ]
})

/** Validates one coding (from `code`+`system` or `coding`). */
export const validateCode = (coding: Coding, paths: CodingPaths, options: ValidateOptions) => {
  const valueSetName = options.composition === undefined ? undefined : valueSetCanonical(options.composition.valueSet)
  const { valid, issues, parameters } = validateCoding(coding, paths, options, valueSetName)
  return answer(valid, issues, parameters)
}

/** Validates a CodeableConcept: valid when any of its codings is. */
export const validateCodeableConcept = (concept: CodeableConcept, options: ValidateOptions) => {
  const valueSetName = options.composition === undefined ? undefined : valueSetCanonical(options.composition.valueSet)
  const outcomes = (concept.coding ?? []).map((coding, index) => validateCoding(coding, codeableConceptPaths(index), options, valueSetName))
  const chosen = outcomes.find((outcome) => outcome.valid) ?? outcomes[0]
  const valid = chosen?.valid === true
  const issues = valid
    ? outcomes.flatMap((outcome) => outcome.issues.filter((issue) => issue.severity !== "error"))
    : outcomes.flatMap((outcome) => outcome.issues)
  if (!valid && valueSetName !== undefined && outcomes.length > 1) {
    issues.unshift(
      txIssue("error", "code-invalid", "not-in-vs", `No valid coding was found for the value set '${valueSetName}'`, "CodeableConcept")
    )
  }
  return answer(valid, issues, [...(chosen?.parameters ?? []), { name: "codeableConcept", valueCodeableConcept: concept }])
}
