/**
 * Every page and feed the build produced, served from its manifest entry:
 * decode the path, find the route, answer 304 from the build-time ETag with no
 * KV read, else read the record and render it.
 */

import { Hono, type Context } from 'hono'
import { cacheHeaders, notModified, validatedHeaders, type CacheKind } from '../cache/index.ts'
import { currentBuildId, loadBuild, readRouteRecord, recordAt, routeAt } from '../data/index.ts'
import { HttpError } from '../errors.ts'
import { keepForOutage, needsKeeping, pageCsp } from '../security/index.ts'
import { metaRecord } from '../shared/keys.ts'
import { href, isDataPath } from '../shared/paths.ts'
import { thirdPartySources } from '../shared/third-party.ts'
import type { ManifestIndex } from '../shared/manifest-codec.ts'
import { renderRecord } from './render.ts'

export const content = new Hono<{ Bindings: Env }>()

/** Decodes each path segment; a path that is not valid UTF-8 percent-encoding names nothing here. */
export function decodePath(pathname: string): string {
  try {
    return pathname
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/')
  } catch {
    throw new HttpError('not-found', 'undecodable path')
  }
}

/**
 * The one canonical path a near-miss should redirect to (RFC 9110 §15.4.2):
 * `redirect_from`, a missing trailing slash, `index.html`, or ASCII case.
 */
export function canonicalFor(manifest: ManifestIndex, path: string, now: number): string | undefined {
  const exists = (p: string) => routeAt(manifest, p, now) !== undefined
  const redirect = manifest.redirect(path) ?? manifest.redirect(path.endsWith('/') ? path.slice(0, -1) : `${path}/`)
  if (redirect && exists(redirect)) return redirect
  const candidates = [
    path.endsWith('/') ? undefined : `${path}/`,
    path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : undefined,
  ].filter((p): p is string => p !== undefined)
  for (const c of [...candidates, ...candidates.map(asciiLower), asciiLower(path)]) {
    if (c !== path && exists(c)) return c
  }
  return undefined
}

/**
 * A Location for a redirect that can only point at this site: a path-absolute
 * reference (RFC 3986 §4.2) that no client can read as a network path
 * (`//host`) or, after WHATWG URL backslash handling, as `/\\host`.
 * Manifest keys never look like that; the check makes sure of it.
 */
export function sameSiteLocation(path: string, search: string): string {
  const location = href(path)
  if (!location.startsWith('/') || location.startsWith('//') || location.includes('\\')) {
    throw new HttpError('not-found', `refusing a redirect to ${JSON.stringify(location.slice(0, 80))}`)
  }
  // The query is kept (a campaign tag, a page number) but may not carry line breaks into the header.
  return location + (search.length <= 2048 ? search.replace(/[\r\n]/g, '') : '')
}

/** Runs work after the response; without an execution context (a bare `app.fetch`) it just runs. */
function waitUntil(c: Context, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    void work
  }
}

const asciiLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase())

// Feeds, sitemaps, robots.txt and llms.txt: machine-read, polled, fetched cross-origin.
const cacheKindOf = (path: string): CacheKind => (isDataPath(path) ? 'feed' : 'page')

content.get('*', async (c) => {
  const url = new URL(c.req.url)
  const path = decodePath(url.pathname)
  const now = Date.now()
  const kv = c.env.CONTENT
  const { manifest, site } = await loadBuild(kv, await currentBuildId(kv, c.env.BUILD_ID))
  const entry = routeAt(manifest, path, now)
  if (!entry) {
    const target = canonicalFor(manifest, path, now)
    if (target === undefined) throw new HttpError('not-found')
    const headers = cacheHeaders('redirect', { buildId: manifest.buildId, path })
    return new Response(null, { status: 301, headers: { ...headers, Location: sameSiteLocation(target, url.search) } })
  }
  const [, etag, lastModified] = entry
  const kind = cacheKindOf(path)
  const headers = validatedHeaders(kind, { manifest, now, etag, lastModified, path })
  // The same policy the 200 carries, from the manifest: a 304's headers replace the browser's stored ones.
  // Comment and analytics origins as site.yml configures them; a post is a path with a `meta:` record.
  const sources = thirdPartySources(site, { post: recordAt(manifest, metaRecord(path), now) !== undefined })
  if (kind === 'page') headers.set('Content-Security-Policy', pageCsp(manifest.scriptHashes(path), sources))
  if (notModified(c.req.raw.headers, etag, lastModified)) return new Response(null, { status: 304, headers })
  const record = await readRouteRecord(kv, manifest, path, entry, now)
  const { body, type } = await renderRecord({ kv, manifest, site, now, path }, record)
  headers.set('Content-Type', type)
  // This page's own inline scripts, hashed by the build, and no others (see src/shared/headers.ts).
  if (record.kind === 'post' || record.kind === 'page') headers.set('Content-Security-Policy', pageCsp(record.scriptHashes, sources))
  else if (!type.startsWith('text/html')) headers.delete('Content-Security-Policy')
  const response = new Response(body, { status: 200, headers })
  // Only the first render of each version in this isolate pays for the copy (see src/security/stale.ts).
  if (needsKeeping(c.req.raw, response)) waitUntil(c, keepForOutage(c.req.raw, response.clone()))
  return response
})
