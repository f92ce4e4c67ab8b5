/**
 * A plain HTML API reference rendered from the OpenAPI document. It needs no script or CDN, so
 * it works inside closed NHS networks and from the offline binary.
 */
import type { OpenAPIHono } from "@hono/zod-openapi"
import type { AppEnv } from "./runtime"

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)

interface Operation {
  readonly summary?: string
  readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string }>
  readonly requestBody?: unknown
}

export const referencePage = (document: {
  readonly info: { readonly title: string; readonly version: string }
  readonly paths?: object
}) => {
  const rows = Object.entries((document.paths ?? {}) as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = (operation.parameters ?? []).map((parameter) => `<code>${escapeHtml(parameter.name)}</code>`).join(" ")
      const body = operation.requestBody === undefined ? "" : " <em>FHIR Parameters body</em>"
      return `<tr><td><b>${method.toUpperCase()}</b></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(operation.summary ?? "")}</td><td>${parameters}${body}</td></tr>`
    })
  )
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)} API reference</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}code{font-size:.95em}</style>
</head><body>
<h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>FHIR R4 over JSON at <code>/fhir</code>. Operations take GET query parameters or a POST <code>Parameters</code> body (<code>application/fhir+json</code>); every failure is an <code>OperationOutcome</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<table><thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Parameters</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table></body></html>`
}

export const registerReference = (app: OpenAPIHono<AppEnv>, documentConfig: Parameters<OpenAPIHono["getOpenAPI31Document"]>[0]) => {
  app.doc31("/openapi.json", documentConfig)
  app.get("/", (c) => c.redirect("/docs"))
  app.get("/docs", (c) => c.html(referencePage(app.getOpenAPI31Document(documentConfig))))
}
