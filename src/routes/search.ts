/**
 * Search: `/search?q=…&page=N` (an HTML page, no JavaScript) and
 * `/api/search?q=…&page=N` (JSON). A query the index cannot answer (empty,
 * over 200 characters, operators only) gets a message: the page with status
 * 200, the API with 400 and a JSON error naming the problem.
 *
 * Nothing from the query reaches a response unescaped: the page goes through
 * hono/jsx, the API through JSON.stringify with snippets pre-rendered by the
 * same escaping view code, and `nosniff` keeps JSON from being read as HTML.
 */

import { Hono, type Context } from 'hono'
import { cacheHeaders, secondsToNextChange } from '../cache/index.ts'
import { currentBuildId, loadBuild } from '../data/index.ts'
import { MAX_PAGE, PAGE_SIZE, parseQuery, search as runSearch, type QueryProblem } from '../search/index.ts'
import { absoluteUrl } from '../shared/paths.ts'
import { pageCsp } from '../shared/headers.ts'
import { thirdPartySources } from '../shared/third-party.ts'
import { httpDate } from '../shared/time.ts'
import { renderDocument } from '../views/layout.tsx'
import { SearchPage, searchStrings, segmentsHtml } from '../views/search.tsx'

export const search = new Hono<{ Bindings: Env }>()

/** `page` as a number from 1 to MAX_PAGE; undefined when given but not one. */
function pageParam(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return 1
  if (!/^\d{1,4}$/.test(raw)) return undefined
  const n = Number(raw)
  return n >= 1 && n <= MAX_PAGE ? n : undefined
}

async function context(c: Context<{ Bindings: Env }>) {
  const kv = c.env.CONTENT
  const now = Date.now()
  const { manifest, site } = await loadBuild(kv, await currentBuildId(kv, c.env.BUILD_ID))
  const headers = new Headers({
    ...cacheHeaders('search', { capSeconds: secondsToNextChange(manifest, now), buildId: manifest.buildId }),
    Date: httpDate(Math.floor(now / 1000)),
    'X-Content-Type-Options': 'nosniff',
    // The search page loads the site's analytics, if any (src/shared/third-party.ts).
    'Content-Security-Policy': pageCsp([], thirdPartySources(site, { post: false })),
  })
  return { kv, now, manifest, site, headers }
}

search.get('/search', async (c) => {
  const { kv, now, manifest, site, headers } = await context(c)
  const parsed = parseQuery(c.req.query('q'))
  headers.set('Content-Type', 'text/html; charset=utf-8')
  if (!parsed.ok) {
    // An empty query is the bare search page; the others say what was wrong.
    const problem = parsed.problem === 'empty' && c.req.query('q') === undefined ? undefined : parsed.problem
    const query = parsed.problem === 'too-long' ? '' : parsed.query
    return new Response(await renderDocument(SearchPage({ site, query, problem })), { status: 200, headers })
  }
  // A page number that is not one shows the first page: a reader's page, not an API contract.
  const page = pageParam(c.req.query('page')) ?? 1
  const result = await runSearch(kv, manifest, now, parsed.units, page)
  return new Response(await renderDocument(SearchPage({ site, query: parsed.query, result })), { status: 200, headers })
})

search.get('/api/search', async (c) => {
  const { kv, now, manifest, site, headers } = await context(c)
  headers.set('Content-Type', 'application/json; charset=utf-8')
  headers.set('Access-Control-Allow-Origin', '*')
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers })
  const problem = (code: QueryProblem | 'bad-page', message: string) => json(400, { error: { code, message } })
  const parsed = parseQuery(c.req.query('q'))
  if (!parsed.ok) return problem(parsed.problem, searchStrings('en').problems[parsed.problem])
  const page = pageParam(c.req.query('page'))
  if (page === undefined) return problem('bad-page', `page must be a whole number from 1 to ${MAX_PAGE}`)
  const result = await runSearch(kv, manifest, now, parsed.units, page)
  return json(200, {
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
  })
})
