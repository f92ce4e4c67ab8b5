/**
 * FHIR R4's own code systems (https://hl7.org/fhir/R4/terminologies-systems.html) that the
 * resources Ffynnon serves are bound to, each with its value set of all codes, served on every
 * deployment as tx.fhir.org serves them. The rule: the code systems of the `required` bindings of
 * the elements Ffynnon reads or writes in Patient, AuditEvent, CodeSystem, ValueSet, ConceptMap,
 * OperationOutcome and Bundle. Written from the FHIR R4 (4.0.1) specification, which is CC0.
 *
 * They are served as the oldest load of all, so a loaded package holding the same URL and version
 * replaces them and other versions sit beside them (docs/fhir-resources.md).
 */
import type { CodeSystemConcept, CodeSystemResource, ValueSetResource } from "../fhir"
import type { StoredResource } from "./snapshot"

/** The FHIR version these are written from: the version of every resource here. */
const fhirVersion = "4.0.1"

/** code, display, definition, then the concepts under it. */
type Row = readonly [code: string, display: string, definition: string, children?: ReadonlyArray<Row>]

interface CoreCodeSystem {
  /** The last segment of its URL (http://hl7.org/fhir/<id>), also the id of the code system and of its value set. */
  readonly id: string
  readonly name: string
  /** The element binding it, for the reader. */
  readonly boundBy: string
  readonly concepts: ReadonlyArray<Row>
}

const coreCodeSystems: ReadonlyArray<CoreCodeSystem> = [
  {
    id: "administrative-gender",
    name: "AdministrativeGender",
    boundBy: "Patient.gender",
    concepts: [
      ["male", "Male", "Male."],
      ["female", "Female", "Female."],
      ["other", "Other", "Other."],
      ["unknown", "Unknown", "Unknown."]
    ]
  },
  {
    id: "identifier-use",
    name: "IdentifierUse",
    boundBy: "Patient.identifier.use",
    concepts: [
      ["usual", "Usual", "The identifier recommended for display and use in real-world interactions."],
      ["official", "Official", "The identifier considered to be most trusted for the identification of this item."],
      ["temp", "Temp", "A temporary identifier."],
      [
        "secondary",
        "Secondary",
        "An identifier that was assigned in secondary use - it serves to identify the object in a relative context, but cannot be consistently assigned to the same object again in a different context."
      ],
      ["old", "Old", "The identifier id no longer considered valid, as it is no longer in use, or otherwise unreliable."]
    ]
  },
  {
    id: "name-use",
    name: "NameUse",
    boundBy: "Patient.name.use",
    concepts: [
      ["usual", "Usual", "Known as/conventional/the one you normally use."],
      [
        "official",
        "Official",
        'The formal name as registered in an official (government) registry, but which name might not be commonly used. May be called "legal name".'
      ],
      ["temp", "Temp", "A temporary name. Name.period can provide more detailed information."],
      [
        "nickname",
        "Nickname",
        "A name that is used to address the person in an informal manner, but is not part of their formal or usual name."
      ],
      ["anonymous", "Anonymous", "Anonymous assigned name, alias, or pseudonym (used to protect a person's identity for privacy reasons)."],
      [
        "old",
        "Old",
        "This name is no longer in use (or was never correct, but retained for records).",
        [["maiden", "Name changed for Marriage", "A name used prior to changing name because of marriage."]]
      ]
    ]
  },
  {
    id: "contact-point-system",
    name: "ContactPointSystem",
    boundBy: "Patient.telecom.system",
    concepts: [
      ["phone", "Phone", "The value is a telephone number used for voice calls."],
      ["fax", "Fax", "The value is a fax machine."],
      ["email", "Email", "The value is an email address."],
      [
        "pager",
        "Pager",
        "The value is a pager number. These may be local pager numbers that are only usable on a particular pager system."
      ],
      ["url", "URL", "A contact that is not a phone, fax, pager or email address and is expressed as a URL."],
      ["sms", "SMS", "A contact that can be used for sending an sms message (e.g. mobile phones, some landlines)."],
      ["other", "Other", "A contact that is not a phone, fax, page or email address and is not expressible as a URL."]
    ]
  },
  {
    id: "contact-point-use",
    name: "ContactPointUse",
    boundBy: "Patient.telecom.use",
    concepts: [
      ["home", "Home", "A communication contact point at a home."],
      ["work", "Work", "An office contact point. First choice for business related contacts during business hours."],
      ["temp", "Temp", "A temporary contact point. The period can provide more detailed information."],
      ["old", "Old", "This contact point is no longer in use (or was never correct, but retained for records)."],
      ["mobile", "Mobile", "A telecommunication device that moves and stays with its owner."]
    ]
  },
  {
    id: "address-use",
    name: "AddressUse",
    boundBy: "Patient.address.use",
    concepts: [
      ["home", "Home", "A communication address at a home."],
      ["work", "Work", "An office address. First choice for business related contacts during business hours."],
      ["temp", "Temporary", "A temporary address. The period can provide more detailed information."],
      ["old", "Old / Incorrect", "This address is no longer in use (or was never correct but retained for records)."],
      ["billing", "Billing", "An address to be used to send bills, invoices, receipts etc."]
    ]
  },
  {
    id: "address-type",
    name: "AddressType",
    boundBy: "Patient.address.type",
    concepts: [
      ["postal", "Postal", "Mailing addresses - PO Boxes and care-of addresses."],
      ["physical", "Physical", "A physical address that can be visited."],
      ["both", "Postal & Physical", "An address that is both physical and postal."]
    ]
  },
  {
    id: "link-type",
    name: "LinkType",
    boundBy: "Patient.link.type",
    concepts: [
      ["replaced-by", "Replaced-by", "The patient resource containing this link must no longer be used."],
      ["replaces", "Replaces", "The patient resource containing this link is the current active patient record."],
      [
        "refer",
        "Refer",
        "The patient resource containing this link is in use and valid but not considered the main source of information about a patient."
      ],
      [
        "seealso",
        "See also",
        "The patient resource containing this link is in use and valid, but points to another patient resource that is known to contain data about the same person."
      ]
    ]
  },
  {
    id: "audit-event-action",
    name: "AuditEventAction",
    boundBy: "AuditEvent.action",
    concepts: [
      ["C", "Create", "Create a new database object, such as placing an order."],
      ["R", "Read/View/Print", "Display or print data, such as a doctor census."],
      ["U", "Update", "Update data, such as revise patient information."],
      ["D", "Delete", "Delete items, such as a doctor master file record."],
      [
        "E",
        "Execute",
        "Perform a system or application function such as log-on, program execution or use of an object's method, or perform a query/search operation."
      ]
    ]
  },
  {
    id: "audit-event-outcome",
    name: "AuditEventOutcome",
    boundBy: "AuditEvent.outcome",
    concepts: [
      ["0", "Success", "The operation completed successfully (whether with warnings or not)."],
      ["4", "Minor failure", "The action was not successful due to some kind of minor failure (often equivalent to an HTTP 400 response)."],
      [
        "8",
        "Serious failure",
        "The action was not successful due to some kind of unexpected error (often equivalent to an HTTP 500 response)."
      ],
      ["12", "Major failure", "An error of such magnitude occurred that the system is no longer available for use (i.e. the system died)."]
    ]
  },
  {
    id: "publication-status",
    name: "PublicationStatus",
    boundBy: "CodeSystem.status, ValueSet.status, ConceptMap.status",
    concepts: [
      ["draft", "Draft", "This resource is still under development and is not yet considered to be ready for normal use."],
      ["active", "Active", "This resource is ready for normal use."],
      ["retired", "Retired", "This resource has been withdrawn or superseded and should no longer be used."],
      ["unknown", "Unknown", "The authoring system does not know which of the status values currently applies for this resource."]
    ]
  },
  {
    id: "codesystem-content-mode",
    name: "CodeSystemContentMode",
    boundBy: "CodeSystem.content",
    concepts: [
      ["not-present", "Not Present", "None of the concepts defined by the code system are included in the code system resource."],
      ["example", "Example", "A few representative concepts are included in the code system resource."],
      ["fragment", "Fragment", "A subset of the code system concepts are included in the code system resource."],
      ["complete", "Complete", "All the concepts defined by the code system are included in the code system resource."],
      [
        "supplement",
        "Supplement",
        "The resource doesn't define any new concepts; it just provides additional designations and properties to another code system."
      ]
    ]
  },
  {
    id: "codesystem-hierarchy-meaning",
    name: "CodeSystemHierarchyMeaning",
    boundBy: "CodeSystem.hierarchyMeaning",
    concepts: [
      [
        "grouped-by",
        "Grouped By",
        "No particular relationship between the concepts can be assumed, except what can be determined by inspection of the definitions of the elements."
      ],
      [
        "is-a",
        "Is-A",
        "A hierarchy where the child concepts have an IS-A relationship with the parents - that is, all the properties of the parent are also true for its child concepts."
      ],
      ["part-of", "Part Of", "Child elements list the individual parts of a composite whole (e.g. body site)."],
      [
        "classified-with",
        "Classified With",
        'Child concepts in the hierarchy may have only one parent, and there is a presumption that the code system is a "closed world" meaning all things must be in the hierarchy.'
      ]
    ]
  },
  {
    id: "concept-property-type",
    name: "PropertyType",
    boundBy: "CodeSystem.property.type",
    concepts: [
      ["code", "code (internal reference)", "The property value is a code that identifies a concept defined in the code system."],
      ["Coding", "Coding (external reference)", "The property value is a code defined in an external code system."],
      ["string", "string", "The property value is a string."],
      [
        "integer",
        "integer",
        "The property value is a string (often used to assign ranking values to concepts for supporting score assessments)."
      ],
      ["boolean", "boolean", "The property value is a boolean true | false."],
      ["dateTime", "dateTime", "The property is a date or a date + time."],
      ["decimal", "decimal", "The property value is a decimal number."]
    ]
  },
  {
    id: "filter-operator",
    name: "FilterOperator",
    boundBy: "CodeSystem.filter.operator, ValueSet.compose.include.filter.op",
    concepts: [
      ["=", "Equals", "The specified property of the code equals the provided value."],
      [
        "is-a",
        "Is A (by subsumption)",
        "Includes all concept ids that have a transitive is-a relationship with the concept Id provided as the value, including the provided concept itself."
      ],
      [
        "descendent-of",
        "Descendent Of (by subsumption)",
        "Includes all concept ids that have a transitive is-a relationship with the concept Id provided as the value, excluding the provided concept itself."
      ],
      [
        "is-not-a",
        "Not (Is A) (by subsumption)",
        "The specified property of the code does not have an is-a relationship with the provided value."
      ],
      ["regex", "Regular Expression", "The specified property of the code matches the regex specified in the provided value."],
      [
        "in",
        "In Set",
        "The specified property of the code is in the set of codes or concepts specified in the provided value (comma separated list)."
      ],
      [
        "not-in",
        "Not in Set",
        "The specified property of the code is not in the set of codes or concepts specified in the provided value (comma separated list)."
      ],
      [
        "generalizes",
        "Generalizes (by Subsumption)",
        "Includes all concept ids that have a transitive is-a relationship from the concept Id provided as the value, including the provided concept itself."
      ],
      [
        "exists",
        "Exists",
        "The specified property of the code has at least one value (if the specified value is true; if the specified value is false, then matches when the specified property of the code has no values)."
      ]
    ]
  },
  {
    id: "concept-map-equivalence",
    name: "ConceptMapEquivalence",
    boundBy: "ConceptMap.group.element.target.equivalence",
    concepts: [
      [
        "relatedto",
        "Related To",
        "The concepts are related to each other, and have at least some overlap in meaning, but the exact relationship is not known.",
        [
          [
            "equivalent",
            "Equivalent",
            "The definitions of the concepts mean the same thing (including when structural implications of meaning are considered) (i.e. extensionally identical).",
            [
              [
                "equal",
                "Equal",
                "The definitions of the concepts are exactly the same (i.e. only grammatical differences) and structural implications of meaning are identical or irrelevant (i.e. intentionally identical)."
              ]
            ]
          ],
          ["wider", "Wider", "The target mapping is wider in meaning than the source concept."],
          ["subsumes", "Subsumes", "The target mapping subsumes the meaning of the source concept (e.g. the source is-a target)."],
          ["narrower", "Narrower", "The target mapping is narrower in meaning than the source concept."],
          ["specializes", "Specializes", "The target mapping specializes the meaning of the source concept (e.g. the target is-a source)."],
          [
            "inexact",
            "Inexact",
            "The target mapping overlaps with the source concept, but both source and target cover additional meaning, or the definitions are imprecise and it is uncertain whether they have the same boundaries to their meaning."
          ]
        ]
      ],
      [
        "unmatched",
        "Unmatched",
        "There is no match for this concept in the target code system.",
        [["disjoint", "Disjoint", "This is an explicit assertion that there is no mapping between the source and target concept."]]
      ]
    ]
  },
  {
    id: "conceptmap-unmapped-mode",
    name: "ConceptMapGroupUnmappedMode",
    boundBy: "ConceptMap.group.unmapped.mode",
    concepts: [
      ["provided", "Provided Code", "Use the code as provided in the $translate request."],
      ["fixed", "Fixed Code", "Use the code explicitly provided in the group.unmapped."],
      ["other-map", "Other Map", "Use the map identified by the canonical URL in the url element."]
    ]
  },
  {
    id: "issue-severity",
    name: "IssueSeverity",
    boundBy: "OperationOutcome.issue.severity",
    concepts: [
      ["fatal", "Fatal", "The issue caused the action to fail and no further checking could be performed."],
      ["error", "Error", "The issue is sufficiently important to cause the action to fail."],
      [
        "warning",
        "Warning",
        "The issue is not important enough to cause the action to fail but may cause it to be performed suboptimally or in a way that is not as desired."
      ],
      ["information", "Information", "The issue has no relation to the degree of success of the action."]
    ]
  },
  {
    id: "issue-type",
    name: "IssueType",
    boundBy: "OperationOutcome.issue.code",
    concepts: [
      [
        "invalid",
        "Invalid Content",
        "Content invalid against the specification or a profile.",
        [
          [
            "structure",
            "Structural Issue",
            "A structural issue in the content such as wrong namespace, unable to parse the content completely, invalid syntax, etc."
          ],
          ["required", "Required element missing", "A required element is missing."],
          ["value", "Element value invalid", "An element or header value is invalid."],
          ["invariant", "Validation rule failed", "A content validation rule failed - e.g. a schematron rule."]
        ]
      ],
      [
        "security",
        "Security Problem",
        "An authentication/authorization/permissions issue of some kind.",
        [
          ["login", "Login Required", "The client needs to initiate an authentication process."],
          [
            "unknown",
            "Unknown User",
            "The user or system was not able to be authenticated (either there is no process, or the proferred token is unacceptable)."
          ],
          ["expired", "Session Expired", "User session expired; a login may be required."],
          ["forbidden", "Forbidden", "The user does not have the rights to perform this action."],
          [
            "suppressed",
            "Information Suppressed",
            "Some information was not or might not have been returned due to business rules, consent or privacy rules, or access permission constraints."
          ]
        ]
      ],
      [
        "processing",
        "Processing Failure",
        "Processing issues. These are expected to be final e.g. there is no point resubmitting the same content unchanged.",
        [
          ["not-supported", "Content not supported", "The interaction, operation, resource or profile is not supported."],
          ["duplicate", "Duplicate", "An attempt was made to create a duplicate record."],
          ["multiple-matches", "Multiple Matches", "Multiple matching records were found when the operation required only one match."],
          [
            "not-found",
            "Not Found",
            "The reference provided was not found.",
            [["deleted", "Deleted", "The reference pointed to content (usually a resource) that has been deleted."]]
          ],
          [
            "too-long",
            "Content Too Long",
            "Provided content is too long (typically, this is a denial of service protection type of error)."
          ],
          [
            "code-invalid",
            "Invalid Code",
            "The code or system could not be understood, or it was not valid in the context of a particular ValueSet.code."
          ],
          [
            "extension",
            "Unacceptable Extension",
            "An extension was found that was not acceptable, could not be resolved, or a modifierExtension was not recognized."
          ],
          [
            "too-costly",
            "Operation Too Costly",
            "The operation was stopped to protect server resources; e.g. a request for a value set expansion on all of SNOMED CT."
          ],
          ["business-rule", "Business Rule Violation", "The content/operation failed to pass some business rule and so could not proceed."],
          ["conflict", "Edit Version Conflict", "Content could not be accepted because of an edit conflict (i.e. version aware updates)."]
        ]
      ],
      [
        "transient",
        "Transient Issue",
        "Transient processing issues. The system receiving the message may be able to resubmit the same content once an underlying issue is resolved.",
        [
          ["lock-error", "Lock Error", "A resource/record locking failure (usually in an underlying database)."],
          [
            "no-store",
            "No Store Available",
            "The persistent store is unavailable; e.g. the database is down for maintenance or similar action, and the interaction or operation cannot be processed."
          ],
          ["exception", "Exception", "An unexpected internal error has occurred."],
          ["timeout", "Timeout", "An internal timeout has occurred."],
          [
            "incomplete",
            "Incomplete Results",
            "Not all data sources typically accessed could be reached or responded in time, so the returned information might not be complete."
          ],
          ["throttled", "Throttled", "The system is not prepared to handle this request due to load management."]
        ]
      ],
      ["informational", "Informational Note", "A message unrelated to the processing success of the completed operation."]
    ]
  },
  {
    id: "bundle-type",
    name: "BundleType",
    boundBy: "Bundle.type",
    concepts: [
      ["document", "Document", "The bundle is a document. The first resource is a Composition."],
      ["message", "Message", "The bundle is a message. The first resource is a MessageHeader."],
      ["transaction", "Transaction", "The bundle is a transaction - intended to be processed by a server as an atomic commit."],
      ["transaction-response", "Transaction Response", "The bundle is a transaction response."],
      ["batch", "Batch", "The bundle is a set of actions - intended to be processed by a server as a group of independent actions."],
      [
        "batch-response",
        "Batch Response",
        "The bundle is a batch response. Note that as a batch, some responses may indicate failure and others success."
      ],
      ["history", "History List", "The bundle is a list of resources from a history interaction on a server."],
      [
        "searchset",
        "Search Results",
        "The bundle is a list of resources returned as a result of a search/query interaction, operation, or message."
      ],
      ["collection", "Collection", "The bundle is a set of resources collected into a single package for ease of distribution."]
    ]
  },
  {
    id: "search-entry-mode",
    name: "SearchEntryMode",
    boundBy: "Bundle.entry.search.mode",
    concepts: [
      ["match", "Match", "This resource matched the search specification."],
      ["include", "Include", "This resource is returned because it is referred to from another resource in the search set."],
      ["outcome", "Outcome", "An OperationOutcome that provides additional information about the processing of a search."]
    ]
  },
  {
    id: "http-verb",
    name: "HTTPVerb",
    boundBy: "Bundle.entry.request.method",
    concepts: ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"].map((verb) => [verb, verb, `HTTP ${verb} Command.`] as const)
  }
]

const conceptOf = ([code, display, definition, children]: Row): CodeSystemConcept => ({
  code,
  display,
  definition,
  ...(children === undefined ? {} : { concept: children.map(conceptOf) })
})

const identity = (id: string, name: string) => ({
  id,
  version: fhirVersion,
  name,
  title: name,
  status: "active",
  experimental: false,
  publisher: "HL7 (FHIR Project)"
})

const resourcesOf = ({ id, name, concepts }: CoreCodeSystem): ReadonlyArray<CodeSystemResource | ValueSetResource> => {
  const system = `http://hl7.org/fhir/${id}`
  const valueSet = `http://hl7.org/fhir/ValueSet/${id}`
  const nested = concepts.some(([, , , children]) => children !== undefined)
  return [
    {
      resourceType: "CodeSystem",
      url: system,
      ...identity(id, name),
      caseSensitive: true,
      valueSet,
      ...(nested ? { hierarchyMeaning: "is-a" as const } : {}),
      content: "complete",
      concept: concepts.map(conceptOf)
    },
    { resourceType: "ValueSet", url: valueSet, ...identity(id, name), compose: { include: [{ system }] } }
  ]
}

/** Below every load's release id, so any load of the same URL and version wins. */
const builtInReleaseId = 0

/** The built-in code systems and value sets, as the rows of the oldest load. */
export const fhirCoreResources: ReadonlyArray<StoredResource> = coreCodeSystems.flatMap(resourcesOf).map((content) => ({
  releaseId: builtInReleaseId,
  resourceType: content.resourceType,
  id: content.id!,
  content
}))
