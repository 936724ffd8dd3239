/**
 * Cache policy per kind of response, and conditional requests.
 *
 * Kumo runs behind Workers Cache (`[cache] enabled = true` in wrangler.toml):
 * Cloudflare's tiered cache sits in front of the worker, so a hit never runs it
 * and costs the owner no CPU. We chose it over `caches.default` inside the
 * worker because the Cache API still runs the worker on every request, is per
 * data centre, and ignores `stale-while-revalidate`; Workers Cache honours
 * `stale-while-revalidate` and `stale-if-error` (RFC 5861) and answers
 * `If-None-Match` from the cached ETag itself.
 *
 * Two headers, two audiences:
 * - `Cloudflare-CDN-Cache-Control` is read (and stripped) by Cloudflare only.
 *   A short `max-age` with a long `stale-while-revalidate`: readers always get
 *   a cached copy at once, and a deploy shows within a minute because the
 *   background revalidation reaches the new worker, which answers 304 from its
 *   build-time ETag when nothing changed. It must not carry `s-maxage` or
 *   `must-revalidate`, which turn both stale directives off.
 * - `Cache-Control` is for browsers and any other shared cache: `max-age=0` so
 *   a browser revalidates each view (a cheap 304), `s-maxage` for other proxies.
 *
 * Cache entries are keyed by URL, not by worker version, so every response is
 * tagged with its build id (`Cache-Tag`, ASCII only: paths are percent-encoded)
 * for purging, and the build keeps earlier stylesheets so a cached page of the
 * previous build never points at a missing asset.
 */

import { identityTag } from '../compress/index.ts'
import { nextChangeAt } from '../data/resolve.ts'
import { href } from '../shared/paths.ts'
import type { ManifestIndex } from '../shared/manifest-codec.ts'
import { httpDate } from '../shared/time.ts'

export type CacheKind = 'page' | 'feed' | 'api' | 'search' | 'redirect' | 'not-found' | 'error'

interface Policy {
  /** Cache-Control max-age for browsers. */
  browser: number
  /** Cache-Control s-maxage for shared caches other than Cloudflare. */
  shared: number
  /** Workers Cache: fresh for, then served stale while revalidating, and on error. */
  edge: number
  swr: number
  sie: number
}

const DAY = 86400

const POLICIES: Record<Exclude<CacheKind, 'error'>, Policy> = {
  page: { browser: 0, shared: 300, edge: 60, swr: DAY, sie: 7 * DAY },
  // Feed readers poll on a schedule; a few minutes of client freshness halves needless polls.
  feed: { browser: 300, shared: 300, edge: 300, swr: DAY, sie: 7 * DAY },
  api: { browser: 60, shared: 60, edge: 60, swr: 600, sie: DAY },
  // Search answers carry no validator: a minute in the browser (back/forward stays
  // instant), five minutes at the edge, then stale while the edge asks again.
  search: { browser: 60, shared: 300, edge: 300, swr: 3600, sie: DAY },
  redirect: { browser: 3600, shared: 3600, edge: 3600, swr: 0, sie: DAY },
  // A missing page may be published by the next deploy: cache it briefly.
  'not-found': { browser: 60, shared: 60, edge: 60, swr: 0, sie: 0 },
}

export interface CacheOptions {
  /** Seconds until the next scheduled post appears: nothing may stay fresh past it. */
  capSeconds?: number
  buildId?: string
  /** Decoded path, tagged so one page can be purged. */
  path?: string
}

function cap(value: number, limit: number): number {
  return Math.max(0, Math.min(value, limit))
}

/** The cache headers of a response of this kind. */
export function cacheHeaders(kind: CacheKind, options: CacheOptions = {}): Record<string, string> {
  if (kind === 'error') return { 'Cache-Control': 'no-store' }
  const p = POLICIES[kind]
  const limit = options.capSeconds === undefined ? Infinity : Math.floor(options.capSeconds)
  const browser = cap(p.browser, limit)
  const fresh = cap(p.edge, limit)
  const edge = [`max-age=${fresh}`]
  // Past a scheduled post's time a stale listing must not be served, not even while revalidating.
  const swr = cap(p.swr, limit - fresh)
  if (swr > 0) edge.push(`stale-while-revalidate=${swr}`)
  if (p.sie > 0) edge.push(`stale-if-error=${p.sie}`)
  const headers: Record<string, string> = {
    'Cache-Control': `public, max-age=${browser}, s-maxage=${cap(p.shared, limit)}`,
    'Cloudflare-CDN-Cache-Control': edge.join(', '),
  }
  const tags = ['kumo', `k-${kind}`]
  if (options.buildId) tags.push(`b-${options.buildId}`)
  if (options.path !== undefined) {
    const encoded = href(options.path)
    if (encoded.length <= 1000) tags.push(`p-${encoded}`)
  }
  headers['Cache-Tag'] = tags.join(',')
  return headers
}

/** Seconds until the manifest's next scheduled post appears, if one is due. */
export function secondsToNextChange(manifest: ManifestIndex, now: number): number | undefined {
  const next = nextChangeAt(manifest, now)
  return next === undefined ? undefined : Math.ceil((next - now) / 1000)
}

export interface Validated {
  manifest: ManifestIndex
  now: number
  /** Build-time strong ETag, without quotes. */
  etag: string
  /** Epoch seconds; 0 for none. */
  lastModified: number
  path: string
}

/**
 * Every cache header a 200 or its 304 carries (RFC 9110 §15.4.5: a 304
 * repeats Cache-Control, ETag, Date and the rest): cache policy capped at the
 * next scheduled post, and validators. CORS is the security middleware's.
 */
export function validatedHeaders(kind: CacheKind, v: Validated): Headers {
  const headers = new Headers({
    ...cacheHeaders(kind, { capSeconds: secondsToNextChange(v.manifest, v.now), buildId: v.manifest.buildId, path: v.path }),
    ETag: `"${v.etag}"`,
    Date: httpDate(Math.floor(v.now / 1000)),
  })
  if (v.lastModified > 0) headers.set('Last-Modified', httpDate(v.lastModified))
  return headers
}

/** A search answer's headers: no validator (a query is not a record), fresh no longer than the next scheduled post stays hidden. */
export function searchHeaders(manifest: ManifestIndex, now: number): Headers {
  return new Headers({
    ...cacheHeaders('search', { capSeconds: secondsToNextChange(manifest, now), buildId: manifest.buildId }),
    Date: httpDate(Math.floor(now / 1000)),
  })
}

/** Parses an If-None-Match list (RFC 9110 §13.1.2); bounded so a huge header costs little. */
function entityTags(header: string): string[] {
  return header
    .slice(0, 8192)
    .split(',')
    .slice(0, 64)
    .map((t) => identityTag(t.trim().replace(/^W\//, '')))
}

/**
 * Whether a GET or HEAD may be answered 304 (RFC 9110 §13.2.2): If-None-Match,
 * when present, decides alone (weak comparison, §13.1.2); only without it is
 * If-Modified-Since evaluated.
 */
export function notModified(headers: Headers, etag: string, lastModifiedSeconds: number, nowMs: number = Date.now()): boolean {
  const inm = headers.get('if-none-match')
  if (inm !== null) {
    const tags = entityTags(inm)
    return tags.includes('*') || tags.includes(`"${etag}"`)
  }
  const ims = headers.get('if-modified-since')
  if (ims === null || ims.length > 64 || lastModifiedSeconds <= 0) return false
  const since = parseHttpDate(ims)
  // RFC 9110 §13.1.3: ignore a value that is not an HTTP-date; and a date later than our clock is
  // invalid (RFC 7232 §3.3), else a client sending the far future would get 304s for ever.
  if (since === undefined || since > nowMs) return false
  return lastModifiedSeconds * 1000 <= since
}

// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept.
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/
const RFC_850 = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/
const ASCTIME = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/

/** Epoch ms of an HTTP-date, or undefined for anything else (Date.parse alone takes "2025", "tomorrow"…). */
export function parseHttpDate(value: string): number | undefined {
  if (!IMF_FIXDATE.test(value) && !RFC_850.test(value) && !ASCTIME.test(value)) return undefined
  const ms = Date.parse(ASCTIME.test(value) ? `${value} GMT` : value)
  return Number.isFinite(ms) ? ms : undefined
}
