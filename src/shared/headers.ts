/**
 * The security headers every response carries, as pure functions so the
 * worker (middleware) and the build (the static-assets `_headers` file) use the
 * same values.
 *
 * Pages get a Content-Security-Policy with no 'unsafe-inline' script: inline
 * scripts a post's own HTML carries are allowed by the sha256 hashes the build
 * computed for that post (CSP Level 3 §8.2 "hash-source"). Styles are 'self'
 * only: marked, highlight.js (classes, no `style=`) and our views emit no
 * inline style; a post whose author wrote `style="…"` attributes gets
 * `style-src-attr 'unsafe-inline'` for them (scripts/pipeline/embeds.ts says why).
 *
 * Feeds and the API are data: they get CORS (readable by any origin, never with
 * credentials) and a CSP that forbids framing and running anything, plus
 * `nosniff` so no page can load them as a script or stylesheet.
 */

import { PAGE_SCRIPT_HASH } from './page-script.ts'

/** Directives shared by every HTML page; `script-src` is completed per page. */
const PAGE_DIRECTIVES = [
  "default-src 'self'",
  // Authors embed images, video and iframes (YouTube, maps) from other sites over https.
  "img-src 'self' https: data:",
  "media-src 'self' https:",
  "frame-src 'self' https:",
  "style-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
]

/** A 'sha256-<base64>' source expression, as the build stores it. */
const HASH_SOURCE = /^'sha256-[A-Za-z0-9+/]{43}='$/

/**
 * Origins one page adds to its policy, directive by directive: the third-party
 * embeds its author wrote (computed at build time) or the comment and analytics
 * providers the site configures. Pages without any keep the strict policy.
 */
export interface CspSources {
  script?: readonly string[]
  frame?: readonly string[]
  style?: readonly string[]
  connect?: readonly string[]
  img?: readonly string[]
  /** The page's own HTML has `style="…"` attributes: allow them, and only them (`style-src-attr`, CSP Level 3 §6.1.4). */
  styleAttributes?: boolean
}

/** Both pages' worth of origins: a post's own embeds and the site's comment and analytics providers. */
export function mergeSources(a: CspSources | undefined, b: CspSources | undefined): CspSources {
  const out: CspSources = {}
  for (const key of ['script', 'frame', 'style', 'connect', 'img'] as const) {
    const list = [...(a?.[key] ?? []), ...(b?.[key] ?? [])]
    if (list.length > 0) out[key] = [...new Set(list)]
  }
  if (a?.styleAttributes || b?.styleAttributes) out.styleAttributes = true
  return out
}

/** An origin as a CSP host-source: https, a host, an optional port; nothing else can widen a policy. */
const ORIGIN_SOURCE = /^https:\/\/[a-z0-9.-]+(:\d+)?$/
/**
 * The same with a leading `*.` (CSP3 §2.3.1 host-source wildcard), for the
 * regional beacons analytics providers document (`https://*.google-analytics.com`).
 * Never for scripts: a script source names its host exactly.
 */
const WILDCARD_SOURCE = /^https:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/

/**
 * The CSP of an HTML page that may run exactly the inline scripts hashed here
 * (and the layout's own, src/shared/page-script.ts), plus the origins `extra` names.
 */
export function pageCsp(scriptHashes: readonly string[] = [], extra: CspSources = {}): string {
  // A record is data from KV: take only well-formed hashes and origins, so it can never widen the policy otherwise.
  const hashes = [...new Set([PAGE_SCRIPT_HASH, ...scriptHashes].filter((h) => HASH_SOURCE.test(h)))]
  const origins = (list: readonly string[] | undefined, pattern: RegExp) => [...new Set((list ?? []).filter((o) => pattern.test(o)))]
  const widen = (directive: string, list: readonly string[] | undefined) => {
    const add = origins(list, directive.startsWith('script-src') ? ORIGIN_SOURCE : WILDCARD_SOURCE)
    return add.length === 0 ? directive : `${directive} ${add.join(' ')}`
  }
  const directives = PAGE_DIRECTIVES.map((d) => {
    if (d.startsWith('style-src ')) return widen(d, extra.style)
    if (d.startsWith('connect-src ')) return widen(d, extra.connect)
    if (d.startsWith('frame-src ')) return widen(d, extra.frame)
    if (d.startsWith('img-src ')) return widen(d, extra.img)
    return d
  })
  // style-src-attr governs attributes only: <style> elements and sheets stay under style-src.
  if (extra.styleAttributes === true) directives.push("style-src-attr 'unsafe-inline'")
  return [...directives, widen(["script-src 'self'", ...hashes].join(' '), extra.script)].join('; ')
}

/** The CSP of anything that is not a page: load nothing, run nothing, frame nowhere. */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"

/** Headers on every response, whatever its type (the CSP is chosen separately). */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  // Powerful features a blog never needs are off for it and anything it embeds.
  'Permissions-Policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), browsing-topics=()',
  // RFC 6797. Two years; no includeSubDomains: the blog's owner may run other hosts we know nothing of.
  'Strict-Transport-Security': 'max-age=63072000',
  // Older browsers that ignore frame-ancestors.
  'X-Frame-Options': 'DENY',
}

export { isDataPath } from './paths.ts'

export const GET_HEAD = 'GET, HEAD'
export const GET_HEAD_OPTIONS = 'GET, HEAD, OPTIONS'

/**
 * CORS for data paths (Fetch standard, "CORS protocol"): any origin may read,
 * no credentials, and the validators a poller needs are exposed.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Last-Modified, Link, Retry-After',
  // Another origin may read it with fetch(), but never embed it as a no-cors resource.
  'Cross-Origin-Resource-Policy': 'cross-origin',
}

/** What a CORS preflight to a data path is told (answered 204 by the middleware). */
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  Allow: GET_HEAD_OPTIONS,
  'Access-Control-Allow-Methods': GET_HEAD,
  'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since, Cache-Control',
  'Access-Control-Max-Age': '86400',
}

/** The `_headers` rules for Workers Static Assets, which answer /assets/ and /_kumo/ before the worker runs. */
export function staticAssetHeaders(): string {
  const lines = Object.entries(COMMON_HEADERS).map(([k, v]) => `  ${k}: ${v}`)
  return ['/*', ...lines, `  Content-Security-Policy: ${DATA_CSP}`, ''].join('\n')
}
