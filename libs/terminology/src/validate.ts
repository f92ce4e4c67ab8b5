/**
 * `$validate-code` for a value set (https://hl7.org/fhir/R4/valueset-operation-validate-code.html)
 * or a code system (codesystem-operation-validate-code.html): for each coding, whether the code
 * system is known, the code exists, it is active, it is in the value set, and the display is one
 * of the concept's designations for the requested language. The answer is a `Parameters` with
 * `result`, `message`, the resolved `code`/`system`/`version`/`display`, `inactive` and an `issues`
 * OperationOutcome in the shape terminology clients read (issue type plus tx-issue-type, and the
 * FHIRPath of the element at fault).
 */
import { messageIdExtension, type TerminologyError } from "./errors"
import type { CodeableConcept, Coding, ValueSetComposeConcept } from "./fhir"
import { displayLanguageOf, languageFallback } from "./languages"
import { alternatives, message, say, type Message, type MessageLanguage } from "./messages"
import {
  containsConcept,
  includesOf,
  listedEntry,
  resourceStatus,
  valueSetCanonical,
  type CodeSystemResolution,
  type Composition,
  type IncludeSet,
  type Resolver,
  type VersionRules
} from "./valueset/engine"
import { compareVersions, versionMatches } from "./versions"

export interface ValidationIssue {
  readonly severity: "error" | "warning" | "information"
  readonly code: string
  readonly txIssueType: string
  readonly text: Message
  readonly expression: ReadonlyArray<string>
  /** The message's key in the FHIR validator's message catalogue, which clients such as the IG publisher recognise. */
  readonly messageId?: string
  /** Detail on another issue (why a code is unknown): left out of the message, which states that issue. */
  readonly detail?: true
}

export interface ValidateOptions {
  readonly resolver: Resolver
  readonly rules: VersionRules
  /** The value set to validate against; absent for CodeSystem/$validate-code. */
  readonly composition?: Composition
  readonly languages: ReadonlyArray<string>
  /** The languages as the request gave them (`displayLanguage` or Accept-Language), for messages. */
  readonly languageText?: string
  readonly activeOnly: boolean
  /** `abstract`: false when the client's context does not allow abstract (not selectable) codes; they are allowed otherwise. */
  readonly abstractAllowed?: boolean
  readonly inferSystem: boolean
  readonly lenientDisplay: boolean
  /** `valueset-membership-only`: say only whether each code is in the value set, not whether it or its display is valid. */
  readonly membershipOnly?: boolean
  /** The language the answer's messages are said in; English when not given. */
  readonly messageLanguage?: MessageLanguage
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
  /** The code was found, and (when there is one) in the value set. */
  readonly found: boolean
  /** The value set's version of the code system is unknown, so whether it has the code cannot be said. */
  readonly undecided?: boolean
  readonly issues: Array<ValidationIssue>
  readonly parameters: Array<{ readonly name: string } & Record<string, unknown>>
  /** The display is in none of the languages asked for. */
  readonly languageNote?: Message
}

const txIssue = (
  severity: ValidationIssue["severity"],
  code: string,
  txIssueType: string,
  text: Message,
  expression: string,
  messageId?: string
): ValidationIssue => ({ severity, code, txIssueType, text, expression: [expression], ...(messageId === undefined ? {} : { messageId }) })

/** A value set may mark a listed code deprecated (valueset-deprecated, or a standards status). */
const isDeprecatedEntry = (entry: ValueSetComposeConcept) =>
  entry.extension?.some(
    (extension) =>
      (extension.url === "http://hl7.org/fhir/StructureDefinition/valueset-deprecated" &&
        String(extension.valueCode ?? extension.valueBoolean) === "true") ||
      (extension.url === "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status" &&
        extension.valueCode === "deprecated")
  ) === true

const normaliseSpace = (text: string) => text.trim().replace(/\s+/g, " ")

/** `Unknown code` in a code system, at its version where it has one. */
export const unknownCode = (code: string, system: string, version: string | undefined) =>
  version === undefined ? message("unknown-code", { code, system }) : message("unknown-code-version", { code, system, version })

const validateCoding = (coding: Coding, paths: CodingPaths, options: ValidateOptions, valueSetName: string | undefined): CodingOutcome => {
  const issues: Array<ValidationIssue> = []
  const parameters: Array<{ readonly name: string } & Record<string, unknown>> = []
  const code = coding.code ?? ""
  const notInValueSet = (described: string) =>
    txIssue(
      "error",
      "code-invalid",
      "not-in-vs",
      message("not-in-value-set", { code: described, valueSet: String(valueSetName) }),
      paths.code,
      "None_of_the_provided_codes_are_in_the_value_set_one"
    )
  let system = coding.system
  // A bare code may take its system from the value set (`inferSystem`); a Coding without one has no meaning.
  if (system === undefined && options.composition !== undefined && (options.inferSystem || paths === codePaths)) {
    const candidates = options.composition.includes.flatMap((include) =>
      include.provider !== undefined && include.provider.locate(code) !== undefined ? [include.provider.system] : []
    )
    const unique = [...new Set(candidates)]
    if (unique.length === 1) system = unique[0]
    else {
      issues.push(
        notInValueSet(`#${code}`),
        txIssue(
          "error",
          "not-found",
          "cannot-infer",
          unique.length > 1
            ? message("cannot-infer-system-several", { code, valueSet: String(valueSetName), systems: unique.join(", ") })
            : message("cannot-infer-system", { code, valueSet: String(valueSetName) }),
          paths.code,
          "Unable_to_resolve_system__value_set_has_multiple_matches"
        )
      )
      return { valid: false, found: false, issues, parameters: [{ name: "code", valueCode: code }] }
    }
  }
  if (system === undefined) {
    issues.push(
      txIssue("warning", "invalid", "invalid-data", message("coding-has-no-system"), paths.coding, "Coding_has_no_system__cannot_validate")
    )
    if (valueSetName !== undefined) {
      issues.push(notInValueSet(`#${code}`))
    }
    return { valid: false, found: false, issues, parameters: [{ name: "code", valueCode: code }] }
  }
  const described = `${system}${coding.version === undefined ? "" : `|${coding.version}`}#${code}${coding.display === undefined ? "" : ` ('${coding.display}')`}`
  if (options.membershipOnly === true && options.composition !== undefined) {
    const composition = options.composition
    const member = includesOf(composition, system).find((include) => {
      const concept = include.provider?.locate(code)
      return concept !== undefined && containsConcept(composition, include.provider!, concept)
    })
    if (member === undefined) {
      return { valid: false, found: false, issues: [notInValueSet(described)], parameters: [] }
    }
    const version = member.provider!.version
    return {
      valid: true,
      found: true,
      issues,
      parameters: [
        { name: "code", valueCode: code },
        { name: "system", valueUri: system },
        ...(version === undefined ? [] : [{ name: "version", valueString: version }])
      ]
    }
  }
  parameters.push({ name: "code", valueCode: code }, { name: "system", valueUri: system })

  const unknownVersion = (version: string, known: ReadonlyArray<string>) => {
    issues.push(
      txIssue(
        "error",
        "not-found",
        "not-found",
        message("unknown-system-version", { system, version, versions: alternatives(known) }),
        paths.system,
        "UNKNOWN_CODESYSTEM_VERSION"
      )
    )
    parameters.push({ name: "x-caused-by-unknown-system", valueCanonical: `${system}|${version}` })
  }
  const versionMismatch = (stated: string | undefined, resolved: string | undefined) => {
    // A version parameter may have decided the include's version; the message says which.
    const ruled =
      options.rules.forced.get(system) ??
      (stated === undefined ? (options.rules.defaults.get(system) ?? options.rules.checked.get(system)) : undefined)
    const codingVersionKnown = options.resolver.codeSystem(system, coding.version)._tag === "found"
    const values = { system, version: String(coding.version), resolved: String(resolved) }
    const [said, mismatchId] =
      ruled !== undefined
        ? [message("version-mismatch-changed", { ...values, resolved: ruled, stated: stated ?? "" }), "VALUESET_VALUE_MISMATCH_CHANGED"]
        : stated === undefined && !codingVersionKnown
          ? [message("version-mismatch-default", values), "VALUESET_VALUE_MISMATCH_DEFAULT"]
          : [message("version-mismatch", values), "VALUESET_VALUE_MISMATCH"]
    // A versionless include took the newest version because the code's own is unknown: that failure is the error, this a warning.
    issues.push(
      txIssue(
        mismatchId === "VALUESET_VALUE_MISMATCH_DEFAULT" ? "warning" : "error",
        "invalid",
        "vs-invalid",
        said,
        paths.version,
        mismatchId
      )
    )
  }

  // Within a value set that includes the system, the value set decides the version; a coding
  // that names another version is reported, and the code is still checked at the value set's.
  // Newest version first, where the value set includes several.
  const included = (options.composition === undefined ? [] : includesOf(options.composition, system)).toSorted((a, b) =>
    compareVersions(a.provider?.version ?? a.unresolved?.version, b.provider?.version ?? b.unresolved?.version)
  )
  let resolution: CodeSystemResolution
  if (included.length > 0) {
    // Where the value set includes several versions, the one under which the code (and its display) is valid.
    // A coding that names a version the value set includes is checked at that version, even where another version has the code.
    const named = included.filter(
      (include) =>
        coding.version !== undefined && include.provider !== undefined && versionMatches(include.provider.version, coding.version)
    )
    const located = (named.length > 0 ? named : included).filter((include) => include.provider?.locate(code) !== undefined)
    const holding = located.length > 0 ? located : named
    const fits = (include: IncludeSet) => {
      const concept = include.provider!.locate(code)
      return (
        containsConcept(options.composition!, include.provider!, concept) &&
        (coding.display === undefined || include.provider!.hasDisplay(concept, coding.display, options.languages))
      )
    }
    const chosen = holding.find(fits) ?? holding[0] ?? included[0]!
    const codingResolution = coding.version === undefined ? undefined : options.resolver.codeSystem(system, coding.version)
    if (codingResolution?._tag === "unknown-version") unknownVersion(coding.version!, codingResolution.known)
    const includeVersion = chosen.provider?.version ?? chosen.unresolved?.version
    if (
      coding.version !== undefined &&
      !versionMatches(includeVersion, coding.version) &&
      !versionMatches(coding.version, includeVersion ?? "")
    ) {
      versionMismatch(chosen.stated, includeVersion)
    }
    if (chosen.provider === undefined) {
      const failed = options.resolver.codeSystem(system, chosen.unresolved?.version)
      // The version exists but a version parameter refused it (check-system-version): that refusal is the error.
      const refused = failed._tag === "found" ? chosen.unresolved?.error : undefined
      if (refused !== undefined) {
        issues.push(txIssue("error", refused.type, refused.txIssueType ?? "version-error", refused.said, paths.version, refused.messageId))
      }
      if (failed._tag === "unknown-version") unknownVersion(chosen.unresolved!.version!, failed.known)
      if (failed._tag === "unknown-system") {
        issues.push(
          txIssue(
            "error",
            "not-found",
            "not-found",
            message("unknown-system-cannot-validate", { system }),
            paths.system,
            "UNKNOWN_CODESYSTEM"
          )
        )
        parameters.push({ name: "x-caused-by-unknown-system", valueCanonical: system })
      }
      // The version and display are the value set's where it named one that was refused, else the coding's own version's.
      const told = refused !== undefined ? failed : codingResolution
      const concept = told?._tag === "found" ? told.provider.locate(code) : undefined
      if (told?._tag === "found") {
        const found = told.provider
        if (found.version !== undefined) parameters.push({ name: "version", valueString: found.version })
        const display = concept === undefined ? undefined : found.display(concept, options.languages)
        if (display !== undefined) parameters.push({ name: "display", valueString: display })
      }
      // A refused version still has the code; where the value set's version is unknown, whether it has the code cannot be said.
      return refused !== undefined
        ? { valid: false, found: concept !== undefined, issues, parameters }
        : { valid: false, found: false, undecided: true, issues, parameters }
    }
    resolution = { _tag: "found", provider: chosen.provider }
  } else {
    resolution = options.resolver.codeSystem(
      system,
      options.rules.forced.get(system) ?? coding.version ?? options.rules.defaults.get(system) ?? options.rules.checked.get(system)
    )
  }
  if (resolution._tag !== "found") {
    const notCodeSystemId = resolution._tag === "supplement" ? "CODESYSTEM_CS_NO_SUPPLEMENT" : "Terminology_TX_System_ValueSet2"
    const notCodeSystem =
      resolution._tag === "supplement"
        ? message("system-is-supplement", { canonical: resolution.canonical, path: paths.system })
        : options.resolver.valueSet(system, undefined) !== undefined
          ? message("system-is-value-set", { system })
          : undefined
    if (notCodeSystem !== undefined) {
      issues.push(txIssue("error", "invalid", "invalid-data", notCodeSystem, paths.system, notCodeSystemId))
    } else if (resolution._tag === "unknown-version") {
      unknownVersion(coding.version ?? "", resolution.known)
    } else {
      // A system must be a URI (urn:, http:…), not a local name.
      if (!/^[a-z][a-z0-9+.-]*:/i.test(system)) {
        issues.push(
          txIssue(
            "error",
            "invalid",
            "invalid-data",
            message("system-not-absolute", { path: paths.system }),
            paths.system,
            "Terminology_TX_System_Relative"
          )
        )
      }
      issues.push(
        txIssue(
          "error",
          "not-found",
          "not-found",
          coding.version === undefined
            ? message("unknown-system-cannot-validate", { system })
            : message("unknown-system-no-versions", { system, version: coding.version }),
          paths.system,
          coding.version === undefined ? "UNKNOWN_CODESYSTEM" : "UNKNOWN_CODESYSTEM_VERSION_NONE"
        )
      )
      parameters.push({ name: "x-unknown-system", valueCanonical: system })
    }
    if (valueSetName !== undefined) issues.push(notInValueSet(described))
    return { valid: false, found: false, issues, parameters }
  }
  const provider = resolution.provider
  if (provider.version !== undefined) parameters.push({ name: "version", valueString: provider.version })
  const concept = provider.locate(code)
  if (concept === undefined && provider.content === "fragment") {
    // A fragment lists some of a code system's codes: one it lacks may exist in the rest.
    issues.push(
      txIssue(
        "warning",
        "code-invalid",
        "invalid-code",
        provider.version === undefined
          ? message("unknown-code-in-fragment", { code, system })
          : message("unknown-code-in-fragment-version", { code, system, version: provider.version }),
        paths.code,
        "UNKNOWN_CODE_IN_FRAGMENT"
      )
    )
    return { valid: true, found: true, issues, parameters }
  }
  if (concept === undefined) {
    if (valueSetName !== undefined) issues.push(notInValueSet(described))
    issues.push(
      txIssue(
        "error",
        "code-invalid",
        "invalid-code",
        unknownCode(code, system, provider.version),
        paths.code,
        provider.version === undefined ? "Unknown_Code_in" : "Unknown_Code_in_Version"
      )
    )
    // Why, where the code system can say more than that the code is unknown.
    const reason = provider.unknownReason?.(code)
    if (reason !== undefined) issues.push({ ...txIssue("information", "code-invalid", "invalid-code", reason, paths.code), detail: true })
    return { valid: false, found: false, issues, parameters }
  }
  const canonicalCode = provider.code(concept)
  if (canonicalCode !== code && canonicalCode.toLowerCase() === code.toLowerCase()) {
    const canonicalSystem = provider.version === undefined ? system : `${system}|${provider.version}`
    issues.push(
      txIssue(
        "information",
        "business-rule",
        "code-rule",
        message("code-case-difference", { code, correct: canonicalCode, system: canonicalSystem }),
        paths.code,
        "CODE_CASE_DIFFERENCE"
      )
    )
    parameters.push({ name: "normalized-code", valueCode: canonicalCode })
  }
  const display = provider.display(concept, options.languages)
  if (display !== undefined) parameters.push({ name: "display", valueString: display })
  const languageNote =
    display === undefined || options.languages.length === 0
      ? undefined
      : languageFallback(options.languages, [displayLanguageOf(provider, concept, options.languages)], false)
  const broken = options.composition === undefined ? (provider.invalid?.(concept) ?? []) : []
  for (const text of broken) issues.push(txIssue("error", "code-invalid", "invalid-code", text, paths.code))
  const note = options.composition === undefined && broken.length === 0 ? provider.note?.(concept) : undefined
  if (note !== undefined)
    issues.push({
      severity: "information",
      code: "informational",
      txIssueType: "process-note",
      text: note,
      expression: [paths.code]
    })
  let valid = !issues.some((issue) => issue.severity === "error")
  let inValueSet = true
  const status = provider.status(concept)
  if (status !== undefined && status !== "active" && status !== "inactive") parameters.push({ name: "status", valueCode: status })
  if (provider.isInactive(concept)) {
    parameters.push({ name: "inactive", valueBoolean: true })
    issues.push(
      txIssue(
        "warning",
        "business-rule",
        "code-comment",
        status !== undefined && status !== "inactive"
          ? message("concept-status-and-inactive", { code: canonicalCode, status })
          : message("concept-inactive", { code: canonicalCode }),
        paths.coding,
        "INACTIVE_CONCEPT_FOUND"
      )
    )
    if (options.activeOnly || options.composition?.activeOnly === true) {
      valid = false
      inValueSet = false
      issues.push(
        txIssue(
          "error",
          "business-rule",
          "code-rule",
          message("concept-not-active", { code: canonicalCode }),
          paths.code,
          "STATUS_CODE_WARNING_CODE"
        )
      )
    }
  }
  if (options.abstractAllowed === false && provider.isAbstract(concept)) {
    valid = false
    issues.push(
      txIssue(
        "error",
        "business-rule",
        "code-rule",
        message("abstract-code-not-allowed", { code: canonicalCode, system }),
        paths.code,
        "ABSTRACT_CODE_NOT_ALLOWED"
      )
    )
  }
  if (options.composition !== undefined && inValueSet && !containsConcept(options.composition, provider, concept)) inValueSet = false
  const entry = options.composition === undefined ? undefined : listedEntry(options.composition, concept)
  if (inValueSet && entry !== undefined && isDeprecatedEntry(entry)) {
    issues.push(
      txIssue(
        "warning",
        "business-rule",
        "code-comment",
        message("concept-deprecated-in-value-set", { code: canonicalCode, system, valueSet: String(valueSetName) }),
        paths.code,
        "CONCEPT_DEPRECATED_IN_VALUESET"
      )
    )
  }
  // The value set validated against counts too: a withdrawn or deprecated one is reported like the code systems it uses.
  const statuses =
    options.composition === undefined
      ? provider.resource === undefined
        ? []
        : [resourceStatus(provider.resource)]
      : [...options.composition.statuses, resourceStatus(options.composition.valueSet)]
  for (const status of statuses) {
    if (status === undefined) continue
    issues.push({
      severity: "information",
      code: "business-rule",
      txIssueType: "status-check",
      text: message("resource-status", { status: status.status, type: status.type, canonical: status.canonical }),
      expression: [],
      messageId: `MSG_${status.status.toUpperCase()}`
    })
  }
  if (!inValueSet) {
    valid = false
    issues.push(notInValueSet(described))
  }
  if (coding.display !== undefined && display !== undefined) {
    const choicesInLanguage = provider.displays(concept, options.languages)
    if (options.languages.length > 0 && choicesInLanguage.length === 0 && provider.hasDisplay(concept, coding.display, [])) {
      issues.push(
        txIssue(
          "information",
          "invalid",
          "invalid-display",
          message("display-valid-for-default-language", {
            system,
            code: canonicalCode,
            languages: options.languageText ?? options.languages.join(", "),
            display: coding.display
          }),
          paths.display,
          "NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_OK"
        )
      )
    } else if (!provider.hasDisplay(concept, coding.display, options.languages)) {
      const spacing = provider.hasDisplay(concept, normaliseSpace(coding.display), options.languages)
      const languages = options.languageText ?? "--"
      const choices = choicesInLanguage
      const choice = ({ value, language }: { value: string; language?: string }) =>
        `'${value}'${language === undefined ? "" : ` (${language})`}`
      const problem = message(spacing ? "wrong-display-whitespace" : "wrong-display", {
        display: coding.display,
        system,
        code: canonicalCode
      })
      const displayId =
        choices.length === 0
          ? "NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_ERR"
          : spacing
            ? "Display_Name_WS_for__should_be_one_of__instead_of"
            : "Display_Name_for__should_be_one_of__instead_of"
      const text = message("wrong-display-then", {
        problem,
        valid:
          choices.length === 0
            ? message("no-display-for-languages", { languages, display: String(provider.display(concept, [])) })
            : choices.length === 1
              ? message("valid-display", { display: choice(choices[0]!), languages })
              : message("valid-display-choices", { count: choices.length, displays: alternatives(choices.map(choice)), languages })
      })
      if (options.lenientDisplay) issues.push(txIssue("warning", "invalid", "invalid-display", text, paths.display, displayId))
      else {
        valid = false
        issues.push(txIssue("error", "invalid", "invalid-display", text, paths.display, displayId))
      }
    }
  }
  return { valid, found: inValueSet, issues, parameters, ...(languageNote === undefined ? {} : { languageNote }) }
}

const outcome = (issues: ReadonlyArray<ValidationIssue>, language: MessageLanguage) => ({
  resourceType: "OperationOutcome",
  issue: issues.map((issue) => ({
    severity: issue.severity,
    code: issue.code,
    ...(issue.messageId === undefined ? {} : { extension: [messageIdExtension(issue.messageId)] }),
    details: {
      coding: [{ system: "http://hl7.org/fhir/tools/CodeSystem/tx-issue-type", code: issue.txIssueType }],
      text: say(language, issue.text)
    },
    ...(issue.expression.length === 0 ? {} : { expression: issue.expression })
  }))
})

/** Notes that do not question the code itself, left out of the message. */
const notesOnly = new Set([
  "CONCEPT_DEPRECATED_IN_VALUESET",
  "CODE_CASE_DIFFERENCE",
  "VALUESET_VALUE_MISMATCH_DEFAULT",
  "UNKNOWN_CODE_IN_FRAGMENT"
])

const answer = (
  result: boolean,
  issues: ReadonlyArray<ValidationIssue>,
  parameters: ReadonlyArray<{ readonly name: string } & Record<string, unknown>>,
  language: MessageLanguage = "en",
  languageNote?: Message
) => {
  // The message is about the code; notes on the resources used and on other codings stay in the issues.
  const reported = issues.filter(
    (issue) =>
      !["status-check", "this-code-not-in-vs", "process-note"].includes(issue.txIssueType) &&
      !notesOnly.has(issue.messageId ?? "") &&
      issue.detail === undefined
  )
  return {
    resourceType: "Parameters",
    parameter: [
      { name: "result", valueBoolean: result },
      ...(reported.length === 0 ? [] : [{ name: "message", valueString: reported.map((issue) => say(language, issue.text)).join("; ") }]),
      ...parameters,
      ...(issues.length === 0 ? [] : [{ name: "issues", resource: outcome(issues, language) }]),
      // A note for the client, which the HL7 tests' comparison leaves out as it does tx.fhir.org's diagnostics.
      ...(languageNote === undefined ? [] : [{ name: "diagnostics", valueString: say(language, languageNote) }])
    ]
  }
}

/** The answer when the value set itself cannot be used (an import or code system it needs is missing): not valid, and why. */
export const validationFailure = (error: TerminologyError, codeableConcept?: CodeableConcept, language: MessageLanguage = "en") =>
  answer(
    false,
    [
      // A missing import is reported as the value set that cannot be found.
      error.missing === undefined
        ? {
            severity: "error",
            code: error.type,
            txIssueType: error.txIssueType ?? "vs-invalid",
            text: error.said,
            expression: [],
            ...(error.messageId === undefined ? {} : { messageId: error.messageId })
          }
        : {
            severity: "error",
            code: "not-found",
            txIssueType: "not-found",
            text: message("value-set-not-found", { valueSet: error.missing }),
            expression: [],
            messageId: "Unable_to_resolve_value_Set_"
          }
    ],
    codeableConcept === undefined ? [] : [{ name: "codeableConcept", valueCodeableConcept: codeableConcept }],
    language
  )

/** Validates one coding (from `code`+`system` or `coding`). */
export const validateCode = (coding: Coding, paths: CodingPaths, options: ValidateOptions) => {
  const valueSetName = options.composition === undefined ? undefined : valueSetCanonical(options.composition.valueSet)
  const { valid, issues, parameters, languageNote } = validateCoding(coding, paths, options, valueSetName)
  return answer(valid, issues, parameters, options.messageLanguage, languageNote)
}

/** Parameters that say which code system was missing, whichever coding they came from. */
const unknownSystemParameters = new Set(["x-unknown-system", "x-caused-by-unknown-system"])

/**
 * Validates a CodeableConcept: valid when any of its codings is. A coding outside the value set
 * is only information when another may match; the concept as a whole is the error.
 */
export const validateCodeableConcept = (concept: CodeableConcept, options: ValidateOptions) => {
  const valueSetName = options.composition === undefined ? undefined : valueSetCanonical(options.composition.valueSet)
  const outcomes = (concept.coding ?? []).map((coding, index) => validateCoding(coding, codeableConceptPaths(index), options, valueSetName))
  const chosen = outcomes.find((outcome) => outcome.valid) ?? outcomes.find((outcome) => outcome.found)
  const undecided = chosen === undefined ? outcomes.find((outcome) => outcome.undecided === true) : undefined
  const issues = outcomes.flatMap((outcome) =>
    outcome.issues.map((issue) =>
      issue.txIssueType === "not-in-vs" ? { ...issue, severity: "information" as const, txIssueType: "this-code-not-in-vs" } : issue
    )
  )
  // Any other problem with any coding (an unknown code, a wrong display) makes the concept invalid.
  const valid = chosen?.valid === true && !issues.some((issue) => issue.severity === "error")
  if (chosen === undefined && undecided === undefined && valueSetName !== undefined) {
    issues.unshift({
      severity: "error",
      code: "code-invalid",
      txIssueType: "not-in-vs",
      text: message("no-valid-coding", { valueSet: valueSetName }),
      expression: [],
      messageId: "TX_GENERAL_CC_ERROR_MESSAGE"
    })
  }
  const missingSystems = outcomes.flatMap((outcome) =>
    outcome === chosen || outcome === undecided ? [] : outcome.parameters.filter((parameter) => unknownSystemParameters.has(parameter.name))
  )
  // Where membership could not be decided the concept is not taken to mean that code: only the version and display are told.
  const told =
    chosen?.parameters ?? undecided?.parameters.filter((parameter) => parameter.name !== "code" && parameter.name !== "system") ?? []
  return answer(
    valid,
    issues,
    [...told, ...missingSystems, { name: "codeableConcept", valueCodeableConcept: concept }],
    options.messageLanguage,
    chosen?.languageNote
  )
}
