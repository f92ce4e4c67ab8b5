import { describe, expect, it } from "vitest"
import { luaRequestScript, parseDurationMs, parseWrkOutput } from "./wrk.ts"

const OUTPUT = `Running 10s test @ http://127.0.0.1:34915/fhir/CodeSystem/$lookup
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   225.20us  400.09us  12.35ms   96.21%
    Req/Sec    24.52k     1.48k   27.38k    76.00%
  Latency Distribution
     50%  141.00us
     75%  178.00us
     90%  266.00us
     99%    1.53ms
  488015 requests in 10.00s, 93.55MB read
  Socket errors: connect 0, read 2, write 0, timeout 7
  Non-2xx or 3xx responses: 488015
Requests/sec:  48795.03
Transfer/sec:      9.35MB
`

describe("wrk output", () => {
  it("converts wrk time units to milliseconds", () => {
    expect(parseDurationMs("141.00us")).toBeCloseTo(0.141)
    expect(parseDurationMs("1.53ms")).toBe(1.53)
    expect(parseDurationMs("2.00s")).toBe(2000)
    expect(() => parseDurationMs("fast")).toThrow()
  })

  it("extracts req/s, p50, p99, non-2xx and socket errors", () => {
    const r = parseWrkOutput(OUTPUT)
    expect(r.requestsPerSec).toBe(48795.03)
    expect(r.p50Ms).toBeCloseTo(0.141)
    expect(r.p99Ms).toBe(1.53)
    expect(r.requests).toBe(488015)
    expect(r.non2xx).toBe(488015)
    expect(r.socketErrors).toEqual({ connect: 0, read: 2, write: 0, timeout: 7 })
  })

  it("defaults non-2xx and socket errors to 0 when wrk omits them", () => {
    const clean = OUTPUT.split("\n")
      .filter((l) => !/Socket errors|Non-2xx/.test(l))
      .join("\n")
    const r = parseWrkOutput(clean)
    expect(r.non2xx).toBe(0)
    expect(r.socketErrors).toEqual({ connect: 0, read: 0, write: 0, timeout: 0 })
  })

  it("rejects output without a latency distribution", () => {
    expect(() => parseWrkOutput("Requests/sec: 1.0\n")).toThrow(/50%/)
  })
})

describe("wrk Lua script", () => {
  it("escapes quotes and backslashes in double-quoted Lua strings", () => {
    const script = luaRequestScript("POST", { "Content-Type": "application/fhir+json" }, '{"a":"b\\\\"}')
    expect(script).toBe(
      'wrk.method = "POST"\n' + 'wrk.body = "{\\"a\\":\\"b\\\\\\\\\\"}"\n' + 'wrk.headers["Content-Type"] = "application/fhir+json"\n'
    )
  })
})
