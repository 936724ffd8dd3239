/**
 * The JSON API, a Hono sub-app mounted at /api (documented in README.md):
 *
 *   GET /api/posts?page=N&tag=<slug>|category=<slug>  one page of a listing
 *   GET /api/posts/<post path>                          one post, metadata and HTML
 *   GET /api/tags, /api/categories                      every term with its post count
 *
 * Each answer is a projection of a record the build already made (a listing
 * page, a post, a terms index), found through the manifest: no request reads
 * more than the page it returns. The ETag is the record's build-time ETag with
 * an `-api` suffix (a different representation needs a different strong
 * validator, RFC 9110 §8.8.3), so a repeat poll is a 304 with no KV read.
 */

import { Hono, type Context } from 'hono'
import { notModified, validatedHeaders } from '../cache/index.ts'
import { currentBuildId, loadBuild, readRecord, readRecords, readRouteRecord, recordAt, routeAt } from '../data/index.ts'
import { HttpError } from '../errors.ts'
import { metaRecord } from '../shared/keys.ts'
import { CATEGORIES_INDEX, TAGS_INDEX, absoluteUrl, listingPath } from '../shared/paths.ts'
import type { ListingScope, PostMetaRecord, RouteEntry, SiteRecord, TermsRecord } from '../shared/schema.ts'
import type { ManifestIndex } from '../shared/manifest-codec.ts'
import { decodePath } from './content.ts'
import { hashesOf } from './render.ts'

type Ctx = Context<{ Bindings: Env }>

export const api = new Hono<{ Bindings: Env }>()

const JSON_TYPE = 'application/json; charset=utf-8'
const PAGE = /^[1-9][0-9]{0,5}$/

interface Served {
  manifest: ManifestIndex
  site: SiteRecord
  now: number
}

async function served(c: Ctx): Promise<Served> {
  const kv = c.env.CONTENT
  return { ...(await loadBuild(kv, await currentBuildId(kv, c.env.BUILD_ID))), now: Date.now() }
}

/** A 304 from the route's build-time validators, else the JSON that `body` produces. */
async function respond(c: Ctx, s: Served, entry: RouteEntry, body: (entry: RouteEntry) => Promise<unknown>): Promise<Response> {
  const [, routeEtag, lastModified] = entry
  const etag = `${routeEtag}-api`
  const headers = validatedHeaders('api', { manifest: s.manifest, now: s.now, etag, lastModified, path: new URL(c.req.url).pathname })
  if (notModified(c.req.raw.headers, etag, lastModified)) return new Response(null, { status: 304, headers })
  headers.set('Content-Type', JSON_TYPE)
  return new Response(JSON.stringify(await body(entry)), { status: 200, headers })
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
  const s = await served(c)
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
  const s = await served(c)
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
    const s = await served(c)
    return respond(c, s, routeOr404(s, index, `no ${taxonomy} index`), async ([hash]) => {
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
