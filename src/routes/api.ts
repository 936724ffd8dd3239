/**
 * The JSON API, a Hono sub-app mounted at /api (documented in README.md):
 *
 *   GET /api/posts?page=N&tag=<slug>|category=<slug>  one page of a listing
 *   GET /api/posts/<post path>                          one post, metadata and HTML
 *   GET /api/tags, /api/categories                      every term with its post count
 *   GET /api/search?q=…&page=N                          a page of search results
 *
 * Each answer is a projection of a record the build already made (a listing
 * page, a post, a terms index), found through the manifest: no request reads
 * more than the page it returns. The ETag is the record's build-time ETag with
 * an `-api` suffix (a different representation needs a different strong
 * validator, RFC 9110 §8.8.3), so a repeat poll is a 304 with no KV read.
 * Errors are thrown as HttpError and rendered by `app.onError` as the one
 * JSON error shape (src/errors.ts).
 */

import { Hono, type Context } from 'hono'
import { jsonText } from '../shared/json.ts'
import { notModified, searchHeaders, validatedHeaders } from '../cache/index.ts'
import type { AppEnv, Served } from '../context.ts'
import { readRecord, readRecords, readRouteRecord, recordAt, routeAt } from '../data/index.ts'
import { hashesOf } from '../data/listed.ts'
import { decodePath } from '../data/paths.ts'
import { HttpError } from '../errors.ts'
import { MAX_PAGE, PAGE_SIZE, parseQuery, search as runSearch } from '../search/index.ts'
import { pageParam } from '../search/params.ts'
import { metaRecord } from '../shared/keys.ts'
import { CATEGORIES_INDEX, TAGS_INDEX, absoluteUrl, listingPath } from '../shared/paths.ts'
import { etagOf, lastModifiedOf, recordOf } from '../shared/route-entry.ts'
import type { ListingScope, PostMetaRecord, RouteEntry, SiteRecord, TermsRecord } from '../shared/schema.ts'
import { searchStrings, segmentsHtml } from '../views/search.tsx'

type Ctx = Context<AppEnv>

export const api = new Hono<AppEnv>()

const JSON_TYPE = 'application/json; charset=utf-8'
const PAGE = /^[1-9][0-9]{0,5}$/

/** A 304 from the route's build-time validators, else the JSON that `body` produces. */
async function respond(c: Ctx, s: Served, entry: RouteEntry, body: (entry: RouteEntry) => Promise<unknown>): Promise<Response> {
  const etag = `${etagOf(entry)}-api`
  const lastModified = lastModifiedOf(entry)
  const headers = validatedHeaders('api', { manifest: s.manifest, now: s.now, etag, lastModified, path: new URL(c.req.url).pathname })
  if (notModified(c.req.raw.headers, etag, lastModified, c.var.now)) return new Response(null, { status: 304, headers })
  headers.set('Content-Type', JSON_TYPE)
  return new Response(jsonText(await body(entry)), { status: 200, headers })
}

function routeOr404(s: Served, path: string, what: string): RouteEntry {
  const entry = routeAt(s.manifest, path, s.now)
  if (!entry) throw new HttpError('not-found', what)
  return entry
}

/** The listing scope a query names: `tag` or `category` by slug, or the home page. */
function scopeOf(c: Ctx): ListingScope {
  const tag = c.req.query('tag')
  const category = c.req.query('category')
  if (tag !== undefined && category !== undefined) throw new HttpError('not-found', 'give tag or category, not both')
  if (tag !== undefined) return { type: 'tag', slug: tag, name: tag }
  if (category !== undefined) return { type: 'category', slug: category, name: category }
  return { type: 'home' }
}

const query = (scope: ListingScope, page: number) => {
  const params = new URLSearchParams()
  if (scope.type !== 'home') params.set(scope.type, scope.slug)
  if (page > 1) params.set('page', String(page))
  const q = params.toString()
  return `/api/posts${q ? `?${q}` : ''}`
}

// `description` is for /llms.txt; the API gives it with the post itself.
const summaryOf = (site: SiteRecord, { kind: _k, v: _v, description: _d, ...meta }: PostMetaRecord) => ({ ...meta, url: absoluteUrl(site.url, meta.path) })

api.get('/posts', async (c) => {
  const s = c.var
  const scope = scopeOf(c)
  const pageParam = c.req.query('page') ?? '1'
  if (!PAGE.test(pageParam)) throw new HttpError('not-found', '`page` must be a whole number from 1')
  const page = Number(pageParam)
  const path = listingPath(scope, page)
  const entry = routeOr404(s, path, `no page ${page} of that listing`)
  return respond(c, s, entry, async () => {
    // Rebuilt from its scope and chunks in one bulk read, as the page itself is.
    const listing = await readRouteRecord(c.env.CONTENT, s.manifest, path, entry, s.now)
    if (listing.kind !== 'listing') throw new HttpError('not-found', `${path} is not a listing`)
    const items = await readRecords<PostMetaRecord>(c.env.CONTENT, hashesOf(s, listing.items, 'meta'))
    return {
      scope: listing.scope,
      page: listing.page,
      pages: listing.pages,
      total: listing.total,
      prev: listing.page > 1 ? query(listing.scope, listing.page - 1) : null,
      next: listing.page < listing.pages ? query(listing.scope, listing.page + 1) : null,
      items: items.map((m) => summaryOf(s.site, m)),
    }
  })
})

api.get('/posts/*', async (c) => {
  const s = c.var
  const asked = decodePath(new URL(c.req.url).pathname.slice('/api/posts'.length))
  // A post is whatever has a `meta:` record: known from the manifest alone, before any KV read.
  const path = [asked, `${asked}/`].find((p) => p.startsWith('/') && recordAt(s.manifest, metaRecord(p), s.now))
  if (!path) throw new HttpError('not-found', `no post at ${asked}`)
  const entry = routeOr404(s, path, `no post at ${asked}`)
  return respond(c, s, entry, async () => {
    // The body and its links (prev/next/related: a record of their own) in one bulk read.
    const record = await readRouteRecord(c.env.CONTENT, s.manifest, path, entry, s.now)
    if (record.kind !== 'post') throw new HttpError('unavailable', `${path} has a meta record but is not a post`)
    const { kind: _k, v: _v, scriptHashes: _h, ...post } = record
    return { ...post, url: absoluteUrl(s.site.url, post.path) }
  })
})

function terms(taxonomy: 'tag' | 'category', index: string) {
  return async (c: Ctx) => {
    const s = c.var
    return respond(c, s, routeOr404(s, index, `no ${taxonomy} index`), async (entry) => {
      const hash = recordOf(entry)
      const record = await readRecord<TermsRecord>(c.env.CONTENT, hash)
      return {
        taxonomy,
        terms: record.terms.map((t) => ({ ...t, url: absoluteUrl(s.site.url, listingPath({ type: taxonomy, ...t }, 1)), posts: query({ type: taxonomy, ...t }, 1) })),
      }
    })
  }
}

api.get('/tags', terms('tag', TAGS_INDEX))
api.get('/categories', terms('category', CATEGORIES_INDEX))

/**
 * Search as JSON. A query the index cannot run is a 400 with the problem as
 * its code; snippets come pre-rendered by the same escaping view code as the
 * page, and nothing else from the query reaches the answer but through
 * JSON.stringify.
 */
api.get('/search', async (c) => {
  const { manifest, site, now } = c.var
  const parsed = parseQuery(c.req.query('q'))
  if (!parsed.ok) throw new HttpError(parsed.problem, searchStrings('en').problems[parsed.problem])
  const page = pageParam(c.req.query('page'))
  if (page === undefined) throw new HttpError('bad-page', `page must be a whole number from 1 to ${MAX_PAGE}`)
  const result = await runSearch(c.env.CONTENT, manifest, now, parsed.units, page)
  const headers = searchHeaders(manifest, now)
  headers.set('Content-Type', JSON_TYPE)
  const body = {
    query: parsed.query,
    total: result.total,
    page: result.page,
    pages: result.pages,
    pageSize: PAGE_SIZE,
    partial: result.partial,
    results: result.hits.map((hit) => ({
      url: absoluteUrl(site.url, hit.path),
      path: hit.path,
      title: hit.title.map(([text]) => text).join(''),
      titleHtml: segmentsHtml(hit.title),
      date: hit.day,
      snippetHtml: segmentsHtml(hit.snippet),
      score: hit.score,
    })),
  }
  return new Response(jsonText(body), { status: 200, headers })
})
