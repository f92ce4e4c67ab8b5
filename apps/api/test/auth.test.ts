/** Access tokens: SMART v2 scopes, the shared secret, and a JWKS file as production uses. */
import { Effect, Either, Redacted } from "effect"
import { exportJWK, generateKeyPair, SignJWT } from "jose"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it, vi } from "vitest"
import { allows, makeAuth, signToken } from "../src/auth"
import { translateIssue } from "../src/messages"

describe("SMART scopes", () => {
  it("grant by context, resource and permission, in v2 and v1 forms", () => {
    expect(allows(["system/Patient.rs"], "Patient", "s")).toBe(true)
    expect(allows(["system/Patient.rs"], "Patient", "c")).toBe(false)
    expect(allows(["user/Patient.cud"], "Patient", "u")).toBe(true)
    expect(allows(["system/*.read"], "Patient", "r")).toBe(true)
    expect(allows(["system/Patient.write"], "Patient", "r")).toBe(false)
    expect(allows(["system/Observation.cruds"], "Patient", "r")).toBe(false)
    // No patient compartment here, and no query-narrowed scopes: they grant nothing.
    expect(allows(["patient/Patient.rs"], "Patient", "r")).toBe(false)
    expect(allows(["system/Patient.rs?identifier=x"], "Patient", "r")).toBe(false)
  })
})

describe("token verification", () => {
  const folder = mkdtempSync(join(tmpdir(), "ffynnon-jwks-"))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))
  const verify = (auth: ReturnType<typeof makeAuth>, token: string) => Effect.runPromise(Effect.either(auth.verify(`Bearer ${token}`)))

  it("accepts RS256 tokens signed by a key of the JWKS file, with the configured issuer and audience", async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256")
    const jwks = join(folder, "jwks.json")
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256" }] }))
    const auth = makeAuth({ jwks, issuer: "https://login.example.nhs.wales", audience: "ffynnon" })
    const sign = (claims: { iss: string; aud: string }) =>
      new SignJWT({ scope: "system/Patient.rs", client_id: "epr" })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(claims.iss)
        .setAudience(claims.aud)
        .setSubject("nurse-1")
        .setExpirationTime("5m")
        .sign(privateKey)
    const granted = await verify(auth, await sign({ iss: "https://login.example.nhs.wales", aud: "ffynnon" }))
    expect(granted).toEqual(Either.right({ actor: { client: "epr", user: "nurse-1" }, scopes: ["system/Patient.rs"] }))
    const wrongAudience = await verify(auth, await sign({ iss: "https://login.example.nhs.wales", aud: "someone-else" }))
    expect(Either.isLeft(wrongAudience) && wrongAudience.left.status).toBe(401)
    // An HS256 token cannot pass where no shared secret is configured.
    const hs256 = await Effect.runPromise(signToken(Redacted.make("x".repeat(40)), { scope: "system/Patient.rs" }))
    const refused = await verify(auth, hs256)
    expect(Either.isLeft(refused) && refused.left.outcome.issue[0]!.details!.text).toMatch(/HS256 are not accepted/)
  })

  it("refuses an expired token", async () => {
    const secret = Redacted.make("a-shared-secret-for-the-expiry-test-000")
    const expired = await Effect.runPromise(signToken(secret, { scope: "system/Patient.rs", expiresIn: "-1m" }))
    const answer = await verify(makeAuth({ secret }), expired)
    expect(Either.isLeft(answer) && answer.left.outcome.issue[0]!.details!.text).toMatch(/exp/)
  })

  it("refuses a token it has accepted once the token expires", async () => {
    const secret = Redacted.make("a-shared-secret-for-the-expiry-test-000")
    const auth = makeAuth({ secret })
    vi.useFakeTimers({ toFake: ["Date"] })
    try {
      const token = await Effect.runPromise(signToken(secret, { scope: "system/Patient.rs", expiresIn: "30s" }))
      expect(Either.isRight(await verify(auth, token))).toBe(true)
      expect(Either.isRight(await verify(auth, token))).toBe(true)
      vi.setSystemTime(Date.now() + 31_000)
      const answer = await verify(auth, token)
      expect(Either.isLeft(answer) && answer.left.outcome.issue[0]!.details!.text).toMatch(/exp/)
    } finally {
      vi.useRealTimers()
    }
  })

  it("says why a token is not valid in the catalogues' words: the library's English, and Welsh", async () => {
    const secret = Redacted.make("a-shared-secret-for-the-reasons-test-00")
    const { privateKey, publicKey } = await generateKeyPair("RS256")
    const jwks = join(folder, "reasons.json")
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256" }] }))
    const auth = makeAuth({ secret, jwks, audience: "ffynnon" })
    const hs256 = (claims: Record<string, unknown>, key = secret) =>
      new SignJWT({ scope: "system/Patient.rs", ...claims })
        .setProtectedHeader({ alg: "HS256" })
        .sign(new TextEncoder().encode(Redacted.value(key)))
    const reasons = async (token: string) => {
      const answer = await verify(auth, token)
      if (Either.isRight(answer)) throw new Error("the token was accepted")
      const issue = answer.left.outcome.issue[0]!
      return [issue.details!.text, translateIssue(issue, "cy").details!.text]
    }
    expect(await reasons(await hs256({ aud: "ffynnon", exp: 1 }))).toEqual([
      'The access token is not valid: "exp" claim timestamp check failed.',
      'Nid yw\'r tocyn mynediad yn ddilys: methodd gwiriad stamp amser yr hawliad "exp".'
    ])
    expect(await reasons(await hs256({ aud: "someone-else" }))).toEqual([
      'The access token is not valid: unexpected "aud" claim value.',
      "Nid yw'r tocyn mynediad yn ddilys: gwerth annisgwyl i'r hawliad \"aud\"."
    ])
    expect(await reasons(await hs256({}))).toEqual([
      'The access token is not valid: missing required "aud" claim.',
      "Nid yw'r tocyn mynediad yn ddilys: mae'r hawliad \"aud\" yn ofynnol ond ar goll."
    ])
    expect(await reasons(await hs256({ aud: "ffynnon" }, Redacted.make("another-secret-of-a-sufficient-length-0")))).toEqual([
      "The access token is not valid: signature verification failed.",
      "Nid yw'r tocyn mynediad yn ddilys: methodd dilysu'r llofnod."
    ])
    const unknownKey = await new SignJWT({ aud: "ffynnon" }).setProtectedHeader({ alg: "RS256", kid: "k2" }).sign(privateKey)
    expect(await reasons(unknownKey)).toEqual([
      "The access token is not valid: no applicable key found in the JSON Web Key Set.",
      "Nid yw'r tocyn mynediad yn ddilys: dim allwedd addas yn y JSON Web Key Set."
    ])
    expect(await reasons("not.a-token")).toEqual([
      "The access token is not valid: the token is not a well-formed signed JWT.",
      "Nid yw'r tocyn mynediad yn ddilys: nid yw'r tocyn yn JWT wedi'i lofnodi ar ffurf gywir."
    ])
    const withoutSecret = makeAuth({ jwks })
    const refused = await verify(withoutSecret, await hs256({}))
    expect(Either.isLeft(refused) && translateIssue(refused.left.outcome.issue[0]!, "cy").details!.text).toBe(
      "Nid yw'r tocyn mynediad yn ddilys: ni dderbynnir tocynnau wedi'u llofnodi â HS256 yma."
    )
  })
})
