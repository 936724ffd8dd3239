/**
 * Kumo's worker: serves a blog built into Workers KV. Static files under
 * /assets/ and /_kumo/ are answered by Workers Static Assets before this runs.
 *
 * Errors are rendered in one place (onError), so every failure, from a bad URL
 * to a KV outage, becomes a page with a deliberate status and no stack trace.
 */

import { Hono } from 'hono'
import { cacheHeaders, secondsToNextChange } from './cache/index.ts'
import { compress } from './compress/index.ts'
import { currentBuildId, loadBuild } from './data/index.ts'
import { HttpError } from './errors.ts'
import { api } from './routes/api.ts'
import { content } from './routes/content.ts'
import { search } from './routes/search.ts'
import { allowFor, security, staleOnError } from './security/index.ts'
import type { SiteRecord } from './shared/schema.ts'
import { renderDocument } from './views/layout.tsx'
import { ErrorPage } from './views/pages.tsx'

const app = new Hono<{ Bindings: Env }>()

// Outermost: every response below, error pages included, leaves with the security headers.
app.use('*', security())
app.use('*', compress())

// RFC 9110 §15.5.6: a 405 must list the methods the resource supports (`Allow`, set below).
app.use('*', async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') throw new HttpError('method')
  await next()
})

// Before /api and the content catch-all, which would otherwise claim /search and /api/search.
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

/** The site settings, and how long until a scheduled post may turn a 404 into a page. */
async function siteFor(env: Env): Promise<{ site: SiteRecord; cap?: number }> {
  try {
    const { manifest, site } = await loadBuild(env.CONTENT, await currentBuildId(env.CONTENT, env.BUILD_ID))
    return { site, cap: secondsToNextChange(manifest, Date.now()) }
  } catch {
    return { site: FALLBACK_SITE }
  }
}

/** The id an operator searches logs by: Cloudflare's ray, else a proxy's request id (bounded, printable). */
function rayOf(headers: Headers): string {
  const id = headers.get('cf-ray') ?? headers.get('x-request-id') ?? '-'
  return id.slice(0, 64).replace(/[^\x21-\x7e]/g, '?')
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
  const { site, cap } = known.status === 503 || api ? { site: FALLBACK_SITE, cap: undefined } : await siteFor(c.env)
  const headers = new Headers(cacheHeaders(known.status === 404 ? 'not-found' : 'error', { capSeconds: cap }))
  if (known.status === 405) headers.set('Allow', allowFor(pathname))
  if (known.status === 503) headers.set('Retry-After', '30')
  if (api) {
    // API clients get JSON; 503 details may name KV keys, so only the code goes out.
    headers.set('Content-Type', 'application/json; charset=utf-8')
    headers.set('Access-Control-Allow-Origin', '*')
    const body = { error: known.code, ...(known.status === 404 ? { message: known.message } : {}) }
    return new Response(JSON.stringify(body), { status: known.status, headers })
  }
  headers.set('Content-Type', 'text/html; charset=utf-8')
  return new Response(await renderDocument(ErrorPage({ site, code: known.code })), { status: known.status, headers })
})

app.notFound(() => {
  throw new HttpError('not-found')
})

export default app
