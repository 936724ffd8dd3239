/**
 * The search page, `/search?q=…&page=N`: HTML, no JavaScript (its JSON twin,
 * `/api/search`, is in api.ts). A query the index cannot answer (empty, over
 * 200 characters, operators only) gets the page with a message, status 200.
 *
 * Nothing from the query reaches the page unescaped: it goes through hono/jsx.
 */

import { Hono } from 'hono'
import { searchHeaders } from '../cache/index.ts'
import type { AppEnv } from '../context.ts'
import { parseQuery, search as runSearch } from '../search/index.ts'
import { pageCsp } from '../shared/headers.ts'
import { SEARCH } from '../shared/paths.ts'
import { thirdPartySources } from '../shared/third-party.ts'
import { pageParam } from '../search/params.ts'
import { renderDocument } from '../views/layout.tsx'
import { SearchPage } from '../views/search.tsx'

export const search = new Hono<AppEnv>()

search.get(SEARCH, async (c) => {
  const { manifest, site, now } = c.var
  const headers = searchHeaders(manifest, now)
  const parsed = parseQuery(c.req.query('q'))
  headers.set('Content-Type', 'text/html; charset=utf-8')
  // The search page loads the site's analytics, if any (src/shared/third-party.ts).
  headers.set('Content-Security-Policy', pageCsp([], thirdPartySources(site, { post: false })))
  if (!parsed.ok) {
    // An empty query is the bare search page; the others say what was wrong.
    const problem = parsed.problem === 'empty' && c.req.query('q') === undefined ? undefined : parsed.problem
    const query = parsed.problem === 'too-long' ? '' : parsed.query
    return new Response(await renderDocument(SearchPage({ site, query, problem })), { status: 200, headers })
  }
  // A page number that is not one shows the first page: a reader's page, not an API contract.
  const page = pageParam(c.req.query('page')) ?? 1
  const result = await runSearch(c.env.CONTENT, manifest, now, parsed.units, page)
  return new Response(await renderDocument(SearchPage({ site, query: parsed.query, result })), { status: 200, headers })
})
