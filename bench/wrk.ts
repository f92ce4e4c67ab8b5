// Finding, running and parsing `wrk`.
// `parseWrkOutput` is pure (no Bun APIs) so it can be unit-tested under vitest.

export interface WrkResult {
  readonly requestsPerSec: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  readonly non2xx: number
  readonly socketErrors: SocketErrors
}

export interface SocketErrors {
  readonly connect: number
  readonly read: number
  readonly write: number
  readonly timeout: number
}

export interface WrkOptions {
  readonly url: string
  readonly connections: number
  readonly threads: number
  readonly durationSec: number
  readonly script?: string
}

const TIME_UNITS_MS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000
}

/** "123.45us" | "1.20ms" | "2.00s" -> milliseconds. */
export function parseDurationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim())
  if (!match) throw new Error(`cannot parse wrk time "${text}"`)
  return Number(match[1]) * TIME_UNITS_MS[match[2]!]!
}

function requireMatch(output: string, re: RegExp, what: string): RegExpExecArray {
  const match = re.exec(output)
  if (!match) throw new Error(`wrk output has no ${what}:\n${output}`)
  return match
}

/** Parses the text that `wrk --latency` prints. */
export function parseWrkOutput(output: string): WrkResult {
  const rps = requireMatch(output, /^Requests\/sec:\s+([\d.]+)/m, "Requests/sec")
  const p50 = requireMatch(output, /^\s+50%\s+(\S+)/m, "50% latency")
  const p99 = requireMatch(output, /^\s+99%\s+(\S+)/m, "99% latency")
  const requests = requireMatch(output, /^\s+(\d+) requests in /m, "request count")
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output)
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  return {
    requestsPerSec: Number(rps[1]),
    p50Ms: parseDurationMs(p50[1]!),
    p99Ms: parseDurationMs(p99[1]!),
    requests: Number(requests[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: {
      connect: Number(sock?.[1] ?? 0),
      read: Number(sock?.[2] ?? 0),
      write: Number(sock?.[3] ?? 0),
      timeout: Number(sock?.[4] ?? 0)
    }
  }
}

export function totalSocketErrors(e: SocketErrors): number {
  return e.connect + e.read + e.write + e.timeout
}

/** A wrk Lua script that sends every request as `method` with `body`. */
export function luaRequestScript(method: string, headers: Readonly<Record<string, string>>, body: string): string {
  const lines = [`wrk.method = ${luaString(method)}`, `wrk.body = ${luaString(body)}`]
  for (const [name, value] of Object.entries(headers)) {
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`)
  }
  return lines.join("\n") + "\n"
}

/** A double-quoted Lua string literal; non-printable bytes become \ddd escapes. */
export function luaString(text: string): string {
  let out = ""
  for (const byte of new TextEncoder().encode(text)) {
    const ch = String.fromCharCode(byte)
    if (ch === '"' || ch === "\\") out += `\\${ch}`
    else if (byte >= 0x20 && byte < 0x7f) out += ch
    else out += `\\${String(byte).padStart(3, "0")}`
  }
  return `"${out}"`
}

export function wrkArgs(o: WrkOptions): string[] {
  const args = ["--latency", "-c", String(o.connections), "-t", String(o.threads), "-d", `${o.durationSec}s`]
  if (o.script) args.push("-s", o.script)
  args.push(o.url)
  return args
}
