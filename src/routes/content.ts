/**
 * Every page and feed the build produced, served from its manifest entry:
 * decode the path, find the route, answer 304 from the build-time ETag with no
 * KV read, else read the record and render it.
 */

import { Hono, type Context } from 'hono'
import { cacheHeaders, notModified, validatedHeaders, type CacheKind } from '../cache/index.ts'
import { keepForOutage, needsKeeping } from '../cache/stale.ts'
import type { AppEnv } from '../context.ts'
import { readRouteRecord, recordAt, routeAt } from '../data/index.ts'
import { listedIn } from '../data/listed.ts'
import { canonicalFor, decodePath, sameSiteLocation } from '../data/paths.ts'
import { HttpError } from '../errors.ts'
import { addHubLinks } from '../feeds/websub.ts'
import { mergeSources, pageCsp } from '../shared/headers.ts'
import { metaRecord } from '../shared/keys.ts'
import { isDataPath } from '../shared/paths.ts'
import { etagOf, lastModifiedOf } from '../shared/route-entry.ts'
import { thirdPartySources } from '../shared/third-party.ts'
import { renderDocument } from '../views/layout.tsx'
import { ErrorPage } from '../views/pages.tsx'
import { renderRecord } from '../views/render.ts'

export const content = new Hono<AppEnv>()

/** Runs work after the response; without an execution context (a bare `app.fetch`) it just runs. */
function waitUntil(c: Context, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    void work
  }
}

// Feeds, sitemaps, robots.txt and llms.txt: machine-read, polled, fetched cross-origin.
const cacheKindOf = (path: string): CacheKind => (isDataPath(path) ? 'feed' : 'page')

/**
 * GitHub Pages, Cloudflare Pages and Netlify publish the not-found page as the
 * file /404.html, and a request for the file itself answers 200 with it. A
 * moved Jekyll site keeps that URL (monitors and old links check it); the page
 * is marked noindex, as every error page is.
 */
const NOT_FOUND_FILE = '/404.html'

async function notFoundFile(c: Context<AppEnv>): Promise<Response> {
  const headers = new Headers(cacheHeaders('not-found'))
  headers.set('Content-Type', 'text/html; charset=utf-8')
  return new Response(await renderDocument(ErrorPage({ site: c.var.site, code: 'not-found' })), { status: 200, headers })
}

content.get('*', async (c) => {
  const url = new URL(c.req.url)
  const path = decodePath(url.pathname)
  const { manifest, site, now } = c.var
  const kv = c.env.CONTENT
  const entry = routeAt(manifest, path, now)
  // No content route reads a query: one answers with a redirect to the URL without it, so random
  // queries cost no KV read and no render, and caches keep one copy per page (README "Caching").
  if (url.search !== '') {
    const target = entry ? path : canonicalFor(manifest, path, now)
    if (target === undefined) throw new HttpError('not-found')
    const headers = cacheHeaders('redirect', { buildId: manifest.buildId, path })
    return new Response(null, { status: 301, headers: { ...headers, Location: sameSiteLocation(target, '') } })
  }
  if (!entry) {
    const target = canonicalFor(manifest, path, now)
    if (target === undefined && path === NOT_FOUND_FILE) return notFoundFile(c)
    if (target === undefined) throw new HttpError('not-found')
    const headers = cacheHeaders('redirect', { buildId: manifest.buildId, path })
    return new Response(null, { status: 301, headers: { ...headers, Location: sameSiteLocation(target, url.search) } })
  }
  const etag = etagOf(entry)
  const lastModified = lastModifiedOf(entry)
  const kind = cacheKindOf(path)
  const headers = validatedHeaders(kind, { manifest, now, etag, lastModified, path })
  // The same policy the 200 carries, from the manifest: a 304's headers replace the browser's stored ones.
  // Comment and analytics origins as site.yml configures them; a post is a path with a `meta:` record.
  const sources = thirdPartySources(site, { post: recordAt(manifest, metaRecord(path), now) !== undefined })
  // The embeds this page's own HTML uses (computed at build time) and the site's providers, together.
  if (kind === 'page') headers.set('Content-Security-Policy', pageCsp(manifest.scriptHashes(path), mergeSources(manifest.csp(path), sources)))
  addHubLinks(headers, site, path)
  if (notModified(c.req.raw.headers, etag, lastModified, now)) return new Response(null, { status: 304, headers })
  const record = await readRouteRecord(kv, manifest, path, entry, now)
  const { body, type } = await renderRecord(site, path, record, await listedIn(kv, c.var, record))
  headers.set('Content-Type', type)
  // This page's own inline scripts, hashed by the build, and no others (see src/shared/headers.ts).
  if (record.kind === 'post' || record.kind === 'page') headers.set('Content-Security-Policy', pageCsp(record.scriptHashes, mergeSources(record.csp, sources)))
  else if (!type.startsWith('text/html')) headers.delete('Content-Security-Policy')
  const response = new Response(body, { status: 200, headers })
  // Only the first render of each version in this isolate pays for the copy (see src/cache/stale.ts).
  if (needsKeeping(c.req.raw, response)) waitUntil(c, keepForOutage(c.req.raw, response.clone()))
  return response
})
