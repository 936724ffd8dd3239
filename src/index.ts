/**
 * Kumo's worker: serves a blog built into Workers KV. Static files under
 * /assets/ and /_kumo/ are answered by Workers Static Assets before this runs.
 *
 * One pipeline per request, outermost first:
 *   security  every response leaves with the security headers, CORS on data paths
 *   compress  text responses encoded for clients that accept it, Vary, per-coding ETags
 *   method    only GET and HEAD (405 otherwise)
 *   served    the build to serve, loaded once into c.var (context.ts)
 *   routes    /search, /api/* (one sub-app), then every built page and feed
 * Errors are rendered in one place (onError), so every failure, from a bad URL
 * to a KV outage, becomes a page or the one JSON error shape (errors.ts) with
 * a deliberate status and no stack trace.
 */

import { Hono, type Context } from 'hono'
import { cacheHeaders, searchHeaders, secondsToNextChange } from './cache/index.ts'
import { staleOnError } from './cache/stale.ts'
import { jsonText } from './shared/json.ts'
import { served, servedBuild, type AppEnv } from './context.ts'
import { compress } from './compress/index.ts'
import { HttpError } from './errors.ts'
import { api } from './routes/api.ts'
import { content } from './routes/content.ts'
import { search } from './routes/search.ts'
import { allowFor, security } from './security/index.ts'
import type { SiteRecord } from './shared/schema.ts'
import { renderDocument } from './views/layout.tsx'
import { ErrorPage } from './views/pages.tsx'

const app = new Hono<AppEnv>()

// Outermost: every response below, error pages included, leaves with the security headers.
app.use('*', security())
app.use('*', compress())

// RFC 9110 §15.5.6: a 405 must list the methods the resource supports (`Allow`, set below).
app.use('*', async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw new HttpError('method')
  await next()
})

app.use('*', served())

// Before the content catch-all, which would otherwise claim /search and /api/*.
app.route('/', search)
app.route('/api', api)
app.route('/', content)

/** Used when even the site settings cannot be read (KV down, nothing published). */
const FALLBACK_SITE: SiteRecord = {
  kind: 'site',
  v: 1,
  title: 'Kumo',
  description: '',
  url: '',
  author: { name: '' },
  lang: 'en',
  timezone: 'UTC',
  paginate: 10,
  assets: { css: '' },
}

/**
 * The site settings to dress an error page in, and how long until a scheduled
 * post may turn a 404 into a page: from c.var when the build was loaded, else
 * (a 405, refused before loading) loaded now, else the fallback.
 */
async function siteFor(c: Context<AppEnv>): Promise<{ site: SiteRecord; cap?: number }> {
  try {
    const { manifest, site, now } = c.get('manifest') ? c.var : await servedBuild(c.env)
    return { site, cap: secondsToNextChange(manifest, now) }
  } catch {
    return { site: FALLBACK_SITE }
  }
}

/** The id an operator searches logs by: Cloudflare's ray, else a proxy's request id (bounded, printable). */
function rayOf(headers: Headers): string {
  const id = headers.get('cf-ray') ?? headers.get('x-request-id') ?? '-'
  return id.slice(0, 64).replace(/[^\x21-\x7e]/g, '?')
}

/**
 * Cache headers of an error. A 400 is a search query the index cannot run: a
 * function of the URL and the build, cached like any search answer.
 */
function errorHeaders(c: Context<AppEnv>, error: HttpError, cap: number | undefined): Headers {
  if (error.status === 400 && c.get('manifest')) return searchHeaders(c.var.manifest, c.var.now)
  return new Headers(cacheHeaders(error.status === 404 ? 'not-found' : 'error', { capSeconds: cap }))
}

app.onError(async (error, c) => {
  const known = error instanceof HttpError ? error : new HttpError('unavailable', 'unexpected error', { cause: error })
  if (known.code === 'unavailable') {
    // KV failed or a record is corrupt: the last copy this colo rendered beats a 503.
    const stale = await staleOnError(c.req.raw)
    if (stale) {
      console.error(`kumo stale-served ray=${rayOf(c.req.raw.headers)}: ${known.message}`)
      return stale
    }
  }
  if (known.status === 503) {
    // Logged with the request's ray id so an operator can find it; never shown to the visitor.
    console.error(`kumo ${known.code} ray=${rayOf(c.req.raw.headers)}: ${known.message}`, known.cause ?? '')
  }
  const pathname = new URL(c.req.url).pathname
  const api = /^\/api(\/|$)/.test(pathname)
  // A 503 may mean KV is down: do not touch it again to dress the error page.
  const { site, cap } = known.status === 503 || api ? { site: FALLBACK_SITE, cap: undefined } : await siteFor(c)
  const headers = errorHeaders(c, known, cap)
  if (known.status === 405) headers.set('Allow', allowFor(pathname))
  if (known.status === 503) headers.set('Retry-After', '30')
  if (api) {
    // The one JSON error shape (errors.ts); a 503's detail may name KV keys, so it gets a fixed line.
    headers.set('Content-Type', 'application/json; charset=utf-8')
    const body = { error: { code: known.code, message: known.publicMessage } }
    return new Response(jsonText(body), { status: known.status, headers })
  }
  headers.set('Content-Type', 'text/html; charset=utf-8')
  return new Response(await renderDocument(ErrorPage({ site, code: known.pageCode })), { status: known.status, headers })
})

app.notFound(() => {
  throw new HttpError('not-found')
})

export default app
