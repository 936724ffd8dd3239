/**
 * Every page and feed the build produced, served from its manifest entry:
 * decode the path, find the route, answer 304 from the build-time ETag with no
 * KV read, else read the record and render it.
 */

import { Hono } from 'hono'
import { cacheHeaders, notModified, validatedHeaders, type CacheKind } from '../cache/index.ts'
import { currentBuildId, loadBuild, readRecord, routeAt } from '../data/index.ts'
import { HttpError } from '../errors.ts'
import { href } from '../shared/paths.ts'
import type { Manifest, RouteRecord } from '../shared/schema.ts'
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
export function canonicalFor(manifest: Manifest, path: string, now: number): string | undefined {
  const exists = (p: string) => routeAt(manifest, p, now) !== undefined
  const redirect = manifest.redirects[path] ?? manifest.redirects[path.endsWith('/') ? path.slice(0, -1) : `${path}/`]
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

const asciiLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase())

// Feeds, sitemaps, robots.txt and llms.txt: machine-read, polled, fetched cross-origin.
const cacheKindOf = (path: string): CacheKind => (/\.(json|xml|txt)$/.test(path) ? 'feed' : 'page')

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
    // Only ever a path on this site: the Location is built from a manifest key.
    const headers = cacheHeaders('redirect', { buildId: manifest.buildId, path })
    return new Response(null, { status: 301, headers: { ...headers, Location: href(target) + url.search } })
  }
  const [hash, etag, lastModified] = entry
  const headers = validatedHeaders(cacheKindOf(path), { manifest, now, etag, lastModified, path })
  if (notModified(c.req.raw.headers, etag, lastModified)) return new Response(null, { status: 304, headers })
  const record = await readRecord<RouteRecord>(kv, hash)
  const { body, type } = await renderRecord({ kv, manifest, site, now, path }, record)
  headers.set('Content-Type', type)
  return new Response(body, { status: 200, headers })
})
