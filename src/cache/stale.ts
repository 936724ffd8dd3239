/**
 * Stale-on-error: when KV fails (throws, times out, or returns a corrupt
 * record), serve the last copy of the page this colo rendered, if it has one,
 * instead of a 503 (the idea of RFC 5861's `stale-if-error`).
 *
 * Copies are kept in `caches.default` under a key of their own (not the edge
 * cache's key, which carries a build id and a short lifetime), for a week, and
 * written off the response path with `waitUntil`.
 *
 * Hooks: `keepForOutage` after a 200 rendered from KV (src/routes/content.ts);
 * `staleOnError` in `app.onError` for 'unavailable' errors (src/index.ts).
 */

/** How long a fallback copy is kept: long enough to ride out a bad KV hour or day. */
const KEEP_SECONDS = 7 * 86400
const PREFIX = '/_kumo-stale'

/** The cache key of a request's fallback copy: same origin, a path no route serves. */
export function staleKey(requestUrl: string): string {
  // Keyed by the canonical URL: no query (content routes answer one with a redirect), no fragment.
  const url = new URL(requestUrl)
  url.pathname = `${PREFIX}${url.pathname}`
  url.search = ''
  url.hash = ''
  return url.toString()
}

function defaultCache(): Cache | undefined {
  // `caches` is absent outside Workers (node tests); then there is no fallback.
  return typeof caches === 'undefined' ? undefined : (caches as unknown as { default: Cache }).default
}

/**
 * URL → ETag of the copy this isolate last stored, so a page is written once
 * per isolate per version, not on every render. Bounded; cleared when full.
 */
const kept = new Map<string, string>()
const MAX_KEPT = 2000

/** Whether `keepForOutage` would store this response (a 200 GET of a version not yet kept here). */
export function needsKeeping(request: Request, response: Response): boolean {
  if (request.method !== 'GET' || response.status !== 200) return false
  return kept.get(staleKey(request.url)) !== (response.headers.get('ETag') ?? '')
}

/** Stores a fallback copy of a 200 GET response. Never throws: it is best effort. */
export async function keepForOutage(request: Request, response: Response): Promise<void> {
  const cache = defaultCache()
  if (!cache || !needsKeeping(request, response)) return
  if (kept.size >= MAX_KEPT) kept.clear()
  kept.set(staleKey(request.url), response.headers.get('ETag') ?? '')
  try {
    const copy = new Response(response.body, response)
    copy.headers.set('Cache-Control', `public, max-age=${KEEP_SECONDS}`)
    copy.headers.delete('Set-Cookie')
    await cache.put(staleKey(request.url), copy)
  } catch {
    kept.delete(staleKey(request.url))
    // A full or unavailable cache only costs us the fallback.
  }
}

/** Forgets which copies this isolate stored (tests, after deleting them from the cache). */
export function forgetKept(): void {
  kept.clear()
}

/** The fallback copy for a GET or HEAD, marked stale and not to be kept by browsers; else undefined. */
export async function staleOnError(request: Request): Promise<Response | undefined> {
  const cache = defaultCache()
  if (!cache || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined
  let hit: Response | undefined
  try {
    hit = await cache.match(staleKey(request.url))
  } catch {
    return undefined
  }
  if (!hit) return undefined
  const res = new Response(request.method === 'HEAD' ? null : hit.body, hit)
  // Browsers and shared caches should come back for the fresh page once KV recovers.
  res.headers.set('Cache-Control', 'no-store')
  res.headers.set('Kumo-Stale', 'kv-unavailable')
  return res
}
