/**
 * Cache policy per kind of response, and conditional requests.
 *
 * Browsers get `max-age=0, must-revalidate` on pages and feeds: every view
 * revalidates with the build-time ETag and, when nothing changed, costs a 304
 * with no body and no KV read. Shared caches get `s-maxage`: a day for pages
 * and feeds, since a deploy changes the build id and with it every cache key.
 * When a scheduled post is due sooner, lifetimes are capped so it appears on
 * time.
 */

export type CacheKind = 'page' | 'feed' | 'api' | 'search' | 'not-found' | 'error'

const POLICIES: Record<CacheKind, { browser: number; edge: number }> = {
  page: { browser: 0, edge: 86400 },
  feed: { browser: 0, edge: 86400 },
  api: { browser: 0, edge: 3600 },
  // Search answers carry no validator: a minute in the browser (back/forward
  // stays instant), an hour at the edge, capped by the next scheduled post.
  search: { browser: 60, edge: 3600 },
  // A missing page may be published in the next deploy; cache it briefly.
  'not-found': { browser: 60, edge: 300 },
  error: { browser: 0, edge: 0 },
}

/** The Cache-Control value for a kind, capped at `capSeconds` when given. */
export function cacheControl(kind: CacheKind, capSeconds?: number): string {
  if (kind === 'error') return 'no-store'
  const { browser, edge } = POLICIES[kind]
  const cap = capSeconds === undefined ? Infinity : Math.max(0, Math.floor(capSeconds))
  const b = Math.min(browser, cap)
  const e = Math.min(edge, cap)
  return b === 0 ? `public, max-age=0, must-revalidate, s-maxage=${e}` : `public, max-age=${b}, s-maxage=${e}`
}

/** Parses an If-None-Match list (RFC 9110 §13.1.2); bounded so a huge header costs little. */
function entityTags(header: string): string[] {
  return header
    .slice(0, 8192)
    .split(',')
    .slice(0, 64)
    .map((t) => t.trim().replace(/^W\//, ''))
}

/**
 * Whether a GET or HEAD may be answered 304 (RFC 9110 §13.2.2): If-None-Match,
 * when present, decides alone (weak comparison, §13.1.2); only without it is
 * If-Modified-Since evaluated.
 */
export function notModified(headers: Headers, etag: string, lastModifiedSeconds: number): boolean {
  const inm = headers.get('if-none-match')
  if (inm !== null) {
    const tags = entityTags(inm)
    return tags.includes('*') || tags.includes(`"${etag}"`)
  }
  const ims = headers.get('if-modified-since')
  if (ims === null || ims.length > 64 || lastModifiedSeconds <= 0) return false
  const since = Date.parse(ims)
  return Number.isFinite(since) && lastModifiedSeconds * 1000 <= since
}
