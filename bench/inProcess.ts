/**
 * Timing the app's answers in process (`app.request()`: no HTTP, no network stack), which drifts
 * far less with the machine's load than HTTP throughput does.
 */

/**
 * One row per scenario: its cost per request over `rounds` requests after a warm-up of a tenth as
 * many, as wall time and as the process's CPU time. On a shared machine the CPU time is the
 * steadier figure: the wall time also counts the moments other processes held the cores. A
 * scenario that does not answer 200 stops the run, naming it.
 */
export const timeInProcess = async <S extends { readonly name: string }>(
  scenarios: ReadonlyArray<S>,
  send: (scenario: S) => Response | Promise<Response>,
  rounds: number
) => {
  const rows = []
  for (const scenario of scenarios) {
    const first = await send(scenario)
    if (first.status !== 200) throw new Error(`${scenario.name}: HTTP ${first.status} ${await first.text()}`)
    for (let round = 0; round < rounds / 10; round++) await (await send(scenario)).text()
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    for (let round = 0; round < rounds; round++) await (await send(scenario)).text()
    const cpu = process.cpuUsage(cpuBefore)
    const microseconds = ((performance.now() - started) * 1000) / rounds
    rows.push({
      scenario: scenario.name,
      "µs per request": microseconds.toFixed(1),
      "CPU µs per request": ((cpu.user + cpu.system) / rounds).toFixed(1),
      "requests/s (one core)": Math.round(1e6 / microseconds)
    })
  }
  return rows
}

/**
 * One row per scenario comparing two apps in the same process (a baseline checkout and this one):
 * `rounds` requests each, sent in alternating batches of 250 so both see the same moments of
 * the machine's load, after a warm-up of a tenth as many. The ratio is this one's CPU time over
 * the baseline's.
 */
export const compareInProcess = async <S extends { readonly name: string }>(
  scenarios: ReadonlyArray<S>,
  sends: {
    readonly baseline: (scenario: S) => Response | Promise<Response>
    readonly current: (scenario: S) => Response | Promise<Response>
  },
  rounds: number
) => {
  const batch = 250
  const rows = []
  for (const scenario of scenarios) {
    const cpu = { baseline: 0, current: 0 }
    for (const side of ["baseline", "current"] as const) {
      const first = await sends[side](scenario)
      if (first.status !== 200) throw new Error(`${scenario.name} (${side}): HTTP ${first.status} ${await first.text()}`)
      for (let round = 0; round < rounds / 10; round++) await (await sends[side](scenario)).text()
    }
    for (let done = 0; done < rounds; done += batch) {
      for (const side of ["baseline", "current"] as const) {
        const before = process.cpuUsage()
        for (let round = 0; round < Math.min(batch, rounds - done); round++) await (await sends[side](scenario)).text()
        const used = process.cpuUsage(before)
        cpu[side] += used.user + used.system
      }
    }
    rows.push({
      scenario: scenario.name,
      "baseline CPU µs": (cpu.baseline / rounds).toFixed(1),
      "CPU µs": (cpu.current / rounds).toFixed(1),
      ratio: (cpu.current / cpu.baseline).toFixed(2)
    })
  }
  return rows
}
