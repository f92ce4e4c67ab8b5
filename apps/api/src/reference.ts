/**
 * A plain HTML API reference rendered from the OpenAPI document. It needs no script or CDN, so
 * it works inside closed NHS networks and from the offline binary. Both follow Accept-Language:
 * in Welsh, the document's summaries and descriptions come from `messages/openapi.cy.json`
 * (English text → Welsh, as gettext keys by the source text) and the page's own texts from the
 * message catalogues.
 */
import type { OpenAPIHono } from "@hono/zod-openapi"
import openApiWelsh from "../messages/openapi.cy.json"
import { formatMessage, messageLanguage, type MessageLanguage } from "./messages"
import type { AppEnv } from "./runtime"

const translations: Record<MessageLanguage, Readonly<Record<string, string>>> = { en: {}, cy: openApiWelsh }

/** The document with its summaries and descriptions in `language`, where the translation has them. */
export const localisedDocument = <D>(document: D, language: MessageLanguage): D => {
  const translation = translations[language]
  const localise = (value: unknown, key?: string): unknown =>
    Array.isArray(value)
      ? value.map((item) => localise(item))
      : typeof value === "object" && value !== null
        ? Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, localise(inner, name)]))
        : (key === "summary" || key === "description") && typeof value === "string"
          ? (translation[value] ?? value)
          : value
  return language === "en" ? document : (localise(document) as D)
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)

interface Operation {
  readonly summary?: string
  readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string }>
  readonly requestBody?: unknown
}

export const referencePage = (
  document: {
    readonly info: { readonly title: string; readonly version: string }
    readonly paths?: object
  },
  language: MessageLanguage = "en"
) => {
  const text = (key: Parameters<typeof formatMessage>[1]) => formatMessage(language, key, { name: document.info.title })
  const rows = Object.entries((document.paths ?? {}) as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = (operation.parameters ?? []).map((parameter) => `<code>${escapeHtml(parameter.name)}</code>`).join(" ")
      const body = operation.requestBody === undefined ? "" : ` <em>${escapeHtml(text("reference-body"))}</em>`
      return `<tr><td><b>${method.toUpperCase()}</b></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(operation.summary ?? "")}</td><td>${parameters}${body}</td></tr>`
    })
  )
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(text("reference-title"))}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}code{font-size:.95em}</style>
</head><body>
<h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>${text("reference-intro")}</p>
<table><thead><tr><th>${text("reference-method")}</th><th>${text("reference-path")}</th><th>${text("reference-summary")}</th><th>${text("reference-parameters")}</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table></body></html>`
}

export const registerReference = (app: OpenAPIHono<AppEnv>, documentConfig: Parameters<OpenAPIHono["getOpenAPI31Document"]>[0]) => {
  const documentIn = (language: MessageLanguage) => localisedDocument(app.getOpenAPI31Document(documentConfig), language)
  app.get("/openapi.json", (c) => {
    const language = messageLanguage(c.req.header("accept-language"))
    return c.json(documentIn(language), 200, { "Content-Language": language })
  })
  app.get("/", (c) => c.redirect("/docs"))
  app.get("/docs", (c) => {
    const language = messageLanguage(c.req.header("accept-language"))
    return c.html(referencePage(documentIn(language), language), 200, { "Content-Language": language })
  })
}
