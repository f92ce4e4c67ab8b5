/** `ffynnon welsh coverage [--json]`: how many active concepts have a Welsh preferred term, per code system, SNOMED CT reference set and stored value set. */
import { Command, Options } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { layerFromConfig } from "@ffynnon/db"
import { formatTable } from "@ffynnon/loaders"
import { SnomedReleases } from "@ffynnon/snomed"
import { compose, DesignationOverlays, FhirResources, makeFhirCodeSystem, members, ReleaseCodeSystems } from "@ffynnon/terminology"
import { providerCoverage, snomedCoverage, valueSetCoverage } from "@ffynnon/welsh"
import { Console, Effect, Either, Layer, Logger, LogLevel } from "effect"
import { servicesOver } from "./runtime"
import { terminologyContext } from "./terminology/context"

const coverage = Effect.gen(function* () {
  const overlays = yield* Effect.flatMap(DesignationOverlays, (served) => served.current)
  const indexes = yield* Effect.flatMap(SnomedReleases, (releases) => releases.all)
  const released = yield* Effect.flatMap(ReleaseCodeSystems, (systems) => systems.current)
  const stored = yield* Effect.flatMap(FhirResources, (resources) => resources.snapshot)
  const { resolver } = yield* terminologyContext(undefined)
  // A value set that cannot be expanded here (a code system not loaded) is left out of the report.
  const valueSets = stored.all("ValueSet").flatMap((valueSet) =>
    Either.match(compose(valueSet, resolver), {
      onLeft: () => [],
      onRight: (composition) => [valueSetCoverage(valueSet, members(composition))]
    })
  )
  return [
    // A translated edition is its release's index under another URI: the same figures, reported once.
    ...indexes.filter((index) => index.translates === undefined).flatMap((index) => snomedCoverage(index, overlays)),
    ...released.flatMap((system) =>
      system.versions.flatMap((version) => system.provider(version) ?? []).map((provider) => providerCoverage(provider, overlays))
    ),
    ...stored
      .all("CodeSystem")
      .filter((resource) => resource.content !== "supplement")
      .map((resource) => providerCoverage(makeFhirCodeSystem(resource), overlays)),
    ...valueSets
  ]
})

export const welshCommand = Command.make("welsh").pipe(
  Command.withDescription("Welsh terms: reports for translators."),
  Command.withSubcommands([
    Command.make("coverage", { json: Options.boolean("json").pipe(Options.withDescription("Print JSON")) }, ({ json }) =>
      coverage.pipe(
        Effect.flatMap((rows) =>
          json
            ? Console.log(JSON.stringify(rows, null, 2))
            : rows.length === 0
              ? Console.log("No code systems loaded.")
              : Console.log(
                  formatTable(
                    rows.map((row) => ({
                      system: row.system,
                      version: row.version,
                      scope: row.scope,
                      active: row.active,
                      welsh: row.welsh,
                      "%": row.active === 0 ? "" : ((100 * row.welsh) / row.active).toFixed(1)
                    }))
                  )
                )
        ),
        // The services' own log lines (indexes served) would interleave with the report.
        Effect.provide(
          servicesOver(layerFromConfig).pipe(Layer.provide(NodeContext.layer), Layer.provideMerge(Logger.minimumLogLevel(LogLevel.Warning)))
        )
      )
    ).pipe(
      Command.withDescription("Per code system and SNOMED CT reference set: active concepts, and how many have a Welsh preferred term.")
    )
  ])
)
