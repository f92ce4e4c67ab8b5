/**
 * Timing the app's answers in process (`app.request()`: no HTTP, no network stack), which drifts
 * far less with the machine's load than HTTP throughput does.
 */

/**
 * One row per scenario: its cost per request over `rounds` requests after a warm-up of a tenth as
 * many. A scenario that does not answer 200 stops the run, naming it.
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
    for (let round = 0; round < rounds; round++) await (await send(scenario)).text()
    const microseconds = ((performance.now() - started) * 1000) / rounds
    rows.push({
      scenario: scenario.name,
      "µs per request": microseconds.toFixed(1),
      "requests/s (one core)": Math.round(1e6 / microseconds)
    })
  }
  return rows
}
