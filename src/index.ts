/**
 * Kumo's worker: serves a blog built into Workers KV. Static files under
 * /assets/ and /_kumo/ are answered by Workers Static Assets before this runs.
 *
 * Errors are rendered in one place (onError), so every failure, from a bad URL
 * to a KV outage, becomes a page with a deliberate status and no stack trace.
 */

import { Hono } from 'hono'
import { cacheHeaders } from './cache/index.ts'
import { currentBuildId, loadBuild } from './data/index.ts'
import { HttpError } from './errors.ts'
import { api } from './routes/api.ts'
import { content } from './routes/content.ts'
import { search } from './routes/search.ts'
import type { SiteRecord } from './shared/schema.ts'
import { renderDocument } from './views/layout.tsx'
import { ErrorPage } from './views/pages.tsx'

const app = new Hono<{ Bindings: Env }>()

const ALLOW = 'GET, HEAD'

// RFC 9110 §15.5.6: a 405 must list the methods the resource supports.
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

async function siteFor(env: Env): Promise<SiteRecord> {
  try {
    return (await loadBuild(env.CONTENT, await currentBuildId(env.CONTENT, env.BUILD_ID))).site
  } catch {
    return FALLBACK_SITE
  }
}

app.onError(async (error, c) => {
  const known = error instanceof HttpError ? error : new HttpError('unavailable', 'unexpected error', { cause: error })
  if (known.status === 503) {
    // Logged with the request's ray id so an operator can find it; never shown to the visitor.
    const ray = c.req.header('cf-ray') ?? c.req.header('x-request-id') ?? '-'
    console.error(`kumo ${known.code} ray=${ray}: ${known.message}`, known.cause ?? '')
  }
  // A 503 may mean KV is down: do not touch it again to dress the error page.
  const site = known.status === 503 ? FALLBACK_SITE : await siteFor(c.env)
  const body = await renderDocument(ErrorPage({ site, code: known.code }))
  const headers = new Headers({ 'Content-Type': 'text/html; charset=utf-8', ...cacheHeaders(known.status === 404 ? 'not-found' : 'error') })
  if (known.status === 405) headers.set('Allow', ALLOW)
  if (known.status === 503) headers.set('Retry-After', '30')
  return new Response(body, { status: known.status, headers })
})

app.notFound(() => {
  throw new HttpError('not-found')
})

export default app
