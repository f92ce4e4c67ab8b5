/**
 * Access to patient data: a bearer JWT with SMART App Launch v2 scopes
 * (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html), verified against the
 * shared secret `FFYNNON_AUTH_SECRET` (HS256) and/or the keys of `FFYNNON_AUTH_JWKS` (a JWKS
 * file or an https URL). No token or a bad one is 401, a token without the scope 403. The
 * terminology endpoints stay open unless `FFYNNON_AUTH_TERMINOLOGY=token`. `--dev` (the main job, `npm start`) mints a local token at
 * start-up and says so loudly.
 */
import type { Actor } from "@ffynnon/demographics"
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"
import { sayInEnglish, type MessageValue, type MessageValues } from "@ffynnon/terminology"
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from "jose"
import { LRUCache } from "lru-cache"
import { readFileSync } from "node:fs"
import { FhirFailure } from "./fhir/outcome"
import { apiMessage, type MessageKey } from "./messages"

/** SMART v2 permissions: create, read, update, delete, search. */
export type Permission = "c" | "r" | "u" | "d" | "s"

/** A verified token: who, and what its scopes allow. */
export interface Grant {
  readonly actor: Actor
  readonly scopes: ReadonlyArray<string>
}

const v1Permissions: Record<string, string> = { read: "rs", write: "cud", "*": "cruds" }

/**
 * True when one of `scopes` allows `permission` on `resource`: `system/` and `user/` scopes,
 * naming the resource or `*`, with v2 permissions (`rs`, `cud`, `cruds`) or v1 (`read`, `write`,
 * `*`). `patient/` scopes and scopes narrowed by a query are not honoured here (the index has no
 * patient compartment), so they grant nothing.
 */
export const allows = (scopes: ReadonlyArray<string>, resource: string, permission: Permission) =>
  scopes.some((scope) => {
    const match = /^(system|user)\/(\*|[A-Za-z]+)\.([a-z*]+)$/.exec(scope)
    if (match === null || (match[2] !== "*" && match[2] !== resource)) return false
    return (v1Permissions[match[3]!] ?? match[3]!).includes(permission)
  })

export interface AuthOptions {
  readonly secret?: Redacted.Redacted<string>
  /** A JWKS file path, or an https URL serving one. */
  readonly jwks?: string
  readonly issuer?: string
  readonly audience?: string
  /** The terminology endpoints need a valid token too (any scope): `FFYNNON_AUTH_TERMINOLOGY=token`. */
  readonly terminologyNeedsToken?: boolean
}

export class Auth extends Context.Tag("@ffynnon/api/Auth")<
  Auth,
  {
    /** The grant of an `Authorization` header's bearer token, or a 401 saying what is wrong. */
    readonly verify: (authorization: string | undefined) => Effect.Effect<Grant, FhirFailure>
    /** Whether the terminology endpoints need a valid token; otherwise they are open. */
    readonly terminologyNeedsToken: boolean
  }
>() {}

const unauthorised = (key: MessageKey, values: MessageValues = {}) => FhirFailure.message(401, "login", key, values)

/**
 * Why the token library refused a token, in the catalogues' words: a malformed token as one
 * message, the others as the library words them in English. One whose English the library words
 * otherwise (another version), or not known here, keeps the library's text.
 */
const tokenProblem = (error: unknown): MessageValue => {
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return apiMessage("token-malformed")
  const text = error instanceof Error ? error.message : String(error)
  const said = catalogued(error)
  return said !== undefined && sayInEnglish(said) === text ? said : text
}

const catalogued = (error: unknown) => {
  if (error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed) {
    const claim = { claim: error.claim }
    if (error.reason === "missing") return apiMessage("token-claim-missing", claim)
    if (error.reason === "invalid") return apiMessage("token-claim-not-a-number", claim)
    return apiMessage(["exp", "nbf"].includes(error.claim) ? "token-claim-timestamp-failed" : "token-claim-unexpected", claim)
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return apiMessage("token-signature-failed")
  if (error instanceof errors.JOSEAlgNotAllowed) return apiMessage("token-algorithm-not-allowed")
  if (error instanceof errors.JWKSNoMatchingKey) return apiMessage("token-no-matching-key")
  if (error instanceof errors.JWKSMultipleMatchingKeys) return apiMessage("token-several-matching-keys")
  if (error instanceof errors.JWKSInvalid) return apiMessage("token-keys-malformed")
  if (error instanceof errors.JWKSTimeout) return apiMessage("token-keys-timeout")
  return undefined
}

const claimText = (payload: JWTPayload, name: string) => (typeof payload[name] === "string" ? (payload[name] as string) : undefined)

/** The grant a verified token carries; the purpose of use comes with the request, not the token. */
const grantOf = (payload: JWTPayload): Grant => {
  const client = claimText(payload, "client_id") ?? claimText(payload, "azp") ?? payload.sub ?? "unknown client"
  const scope = payload.scope ?? payload.scp
  return {
    actor: { client, ...(payload.sub !== undefined && payload.sub !== client ? { user: payload.sub } : {}) },
    scopes: typeof scope === "string" ? scope.split(/\s+/).filter((part) => part !== "") : Array.isArray(scope) ? scope.map(String) : []
  }
}

/**
 * Tokens verified in the last minute, with their grants: a client sends the same token with every
 * request, and checking its signature again each time was about 8% of a search's CPU. A token is
 * kept no longer than it is valid, and no more than a minute, so a key taken out of the key set
 * stops being accepted within a minute.
 */
class VerifiedTokens {
  static readonly keepMs = 60_000
  private readonly grants = new LRUCache<string, { readonly grant: Grant; readonly until: number }>({ max: 10_000 })

  get(token: string): Grant | undefined {
    const entry = this.grants.get(token)
    return entry !== undefined && Date.now() < entry.until ? entry.grant : undefined
  }

  add(token: string, grant: Grant, expiresAt: number | undefined) {
    const keepUntil = Date.now() + VerifiedTokens.keepMs
    this.grants.set(token, { grant, until: expiresAt === undefined ? keepUntil : Math.min(keepUntil, expiresAt * 1000) })
  }
}

const secretKey = (secret: Redacted.Redacted<string>) => new TextEncoder().encode(Redacted.value(secret))

// Imported once: given the secret's bytes, the token library imports a key on every verification.
const verificationKey = (secret: Redacted.Redacted<string>) =>
  crypto.subtle.importKey("raw", secretKey(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"])

export const makeAuth = (options: AuthOptions): Context.Tag.Service<Auth> => {
  const keySet =
    options.jwks === undefined
      ? undefined
      : /^https:\/\//.test(options.jwks)
        ? createRemoteJWKSet(new URL(options.jwks))
        : createLocalJWKSet(JSON.parse(readFileSync(options.jwks, "utf8")))
  const secretVerificationKey = options.secret === undefined ? undefined : verificationKey(options.secret)
  const checks = {
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience })
  }
  const verified = new VerifiedTokens()
  return {
    terminologyNeedsToken: options.terminologyNeedsToken === true,
    verify: (authorization) =>
      Effect.gen(function* () {
        const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1]
        if (token === undefined) return yield* unauthorised("token-missing")
        const known = verified.get(token)
        if (known !== undefined) return known
        if (options.secret === undefined && keySet === undefined) {
          return yield* unauthorised("token-no-keys")
        }
        const invalid = (problem: MessageValue) => unauthorised("token-invalid", { problem })
        const algorithm = yield* Effect.try({
          try: () => decodeProtectedHeader(token).alg,
          catch: () => invalid(apiMessage("token-malformed"))
        })
        // The shared secret signs HS256 tokens; anything else is checked against the key set.
        const secret = algorithm === "HS256" ? secretVerificationKey : undefined
        if (secret === undefined && (keySet === undefined || algorithm === "HS256")) {
          return yield* invalid(apiMessage("token-algorithm-not-accepted", { algorithm: String(algorithm) }))
        }
        const { payload } = yield* Effect.tryPromise({
          try: () =>
            secret !== undefined
              ? secret.then((key) => jwtVerify(token, key, { ...checks, algorithms: ["HS256"] }))
              : jwtVerify(token, keySet!, checks),
          catch: (error) => invalid(tokenProblem(error))
        })
        const grant = grantOf(payload)
        verified.add(token, grant, payload.exp)
        return grant
      })
  }
}

/**
 * `FFYNNON_AUTH_SECRET`, when set and not empty: at least 32 characters, as HS256 needs a key of
 * 256 bits or more (RFC 7518, section 3.2).
 */
export const AuthSecretConfig = Config.option(Config.redacted("FFYNNON_AUTH_SECRET")).pipe(
  // An empty value (as `FFYNNON_AUTH_SECRET=` leaves it) means unset.
  Config.map(Option.filter((secret) => Redacted.value(secret).length > 0)),
  Config.validate({
    message: "FFYNNON_AUTH_SECRET must be at least 32 characters long",
    validation: (secret: Option.Option<Redacted.Redacted<string>>) =>
      Option.match(secret, { onNone: () => true, onSome: (value) => Redacted.value(value).length >= 32 })
  })
)

export const AuthConfig = Config.all({
  secret: AuthSecretConfig,
  jwks: Config.option(Config.string("FFYNNON_AUTH_JWKS")),
  issuer: Config.option(Config.string("FFYNNON_AUTH_ISSUER")),
  audience: Config.option(Config.string("FFYNNON_AUTH_AUDIENCE")),
  terminology: Config.literal("open", "token")("FFYNNON_AUTH_TERMINOLOGY").pipe(Config.withDefault("open"))
})

const optionsOf = (config: Config.Config.Success<typeof AuthConfig>): AuthOptions => ({
  ...Option.match(config.secret, { onNone: () => ({}), onSome: (secret) => ({ secret }) }),
  ...Option.match(config.jwks, { onNone: () => ({}), onSome: (jwks) => ({ jwks }) }),
  ...Option.match(config.issuer, { onNone: () => ({}), onSome: (issuer) => ({ issuer }) }),
  ...Option.match(config.audience, { onNone: () => ({}), onSome: (audience) => ({ audience }) }),
  ...(config.terminology === "token" ? { terminologyNeedsToken: true } : {})
})

/** Checks tokens with the keys the environment names. */
export const AuthFromConfig = Layer.effect(
  Auth,
  Effect.map(AuthConfig, (config) => makeAuth(optionsOf(config)))
)

/** A token signed with `secret` (HS256), as `ffynnon token` prints. */
export const signToken = (
  secret: Redacted.Redacted<string>,
  claims: { readonly scope: string; readonly sub?: string; readonly client?: string; readonly expiresIn?: string }
) =>
  Effect.promise(() =>
    new SignJWT({ scope: claims.scope, client_id: claims.client ?? "ffynnon-cli" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.sub ?? claims.client ?? "ffynnon-cli")
      .setIssuedAt()
      .setExpirationTime(claims.expiresIn ?? "8h")
      .sign(secretKey(secret))
  )

export const devScopes = "system/Patient.cruds system/AuditEvent.rs"

/**
 * Dev mode: the configured keys, plus a secret of its own when none is set, and a token for
 * every patient scope printed at start-up with a warning that this is not for real data.
 */
export const AuthDev = Layer.effect(
  Auth,
  Effect.gen(function* () {
    const config = optionsOf(yield* AuthConfig)
    const secret = config.secret ?? Redacted.make(crypto.randomUUID() + crypto.randomUUID())
    const token = yield* signToken(secret, { scope: devScopes, sub: "developer", client: "ffynnon-dev", expiresIn: "12h" })
    process.stderr.write(
      [
        "",
        "*** DEV MODE (--dev): this server mints its own access token. Do not use it for real patient data. ***",
        `*** Patient endpoints accept: Authorization: Bearer ${token}`,
        `*** (scopes: ${devScopes}; valid 12 hours${config.secret === undefined ? "; signed with a random secret made at start-up" : ""})`,
        ""
      ].join("\n") + "\n"
    )
    yield* Effect.logWarning("dev mode: a local access token was minted; not for real patient data")
    return makeAuth({ ...config, secret })
  })
)
