// Hostile requests of issue 15 at the edge: random queries, NFD spellings,
// non-HTTP and future If-Modified-Since dates, markup in echoed paths.
import { describe, expect, it } from 'vitest'
import { staleKey } from '../../src/cache/stale.ts'
import { ORIGIN, encoded, get } from './helpers.ts'

const TAG = '/tags/大模型/'

describe('query strings are not cache keys', () => {
  it.each(['/', '/feed.xml', '/about/', encoded(TAG)])('%s?x=<random> answers 301 to the URL without the query, with no body', async (path) => {
    const res = await get(`${path}?x=${Math.random()}`)
    expect(res.status).toBe(301)
    expect(res.headers.get('Location')).toBe(path)
    expect(await res.text()).toBe('')
  })

  it('an unknown path with a query is still a 404, not a redirect', async () => {
    expect((await get('/no-such-page/?x=1')).status).toBe(404)
  })

  it('search and the API keep their queries', async () => {
    expect((await get('/search?q=edge')).status).toBe(200)
    expect((await get('/api/posts?page=1')).status).toBe(200)
  })

  it('the outage copy is keyed by the canonical URL', () => {
    expect(staleKey(`${ORIGIN}/about/?x=1#y`)).toBe(staleKey(`${ORIGIN}/about/`))
  })
})

describe('Unicode normalisation at request time', () => {
  it('the NFD spelling of a path reaches the NFC page', async () => {
    const nfc = await get(encoded(TAG))
    const nfd = await get(encoded(TAG.normalize('NFD')))
    expect(nfc.status).toBe(200)
    expect(nfd.status).toBe(200)
    expect(nfd.headers.get('ETag')).toBe(nfc.headers.get('ETag'))
  })
})

describe('If-Modified-Since (RFC 9110 §13.1.3)', () => {
  it.each([
    ['a non-HTTP date', '2099'],
    ['an ISO date', '2099-01-01T00:00:00Z'],
    ['a date in the future', new Date(Date.now() + 86400_000 * 365).toUTCString()],
  ])('%s is ignored: 200, not 304', async (_, value) => {
    expect((await get('/', { headers: { 'If-Modified-Since': value } })).status).toBe(200)
  })

  it('an IMF-fixdate after the last change and before now is a 304', async () => {
    expect((await get('/', { headers: { 'If-Modified-Since': new Date(Date.now() - 1000).toUTCString() } })).status).toBe(304)
  })
})

describe('JSON error bodies', () => {
  it('escape < and > in an echoed path as \\u003c and \\u003e', async () => {
    const res = await get('/api/posts/%3Cscript%3Ealert(1)%3C/script%3E')
    const text = await res.text()
    expect(res.status).toBe(404)
    expect(text).not.toMatch(/[<>]/)
    expect(JSON.parse(text).error.code).toBe('not-found')
  })
})
