// Scheduled posts: the fixture build (as of 2025-05-01) carries the 2099 post in
// its schedule. Moving the worker's clock, with the same KV and build id (no
// deploy), shows it appear at its time everywhere, and shows every cache
// lifetime capped at the seconds left until then.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cacheHeaders } from '../../src/cache/index.ts'
import { get } from './helpers.ts'

const DUE = Date.parse('2099-01-01T00:00:00+09:00')
const POST = '/2099/01/far-future/'
const LISTINGS = ['/', '/tags/swift/', '/archives/', '/feed.json', '/tags/swift/feed.json']

const at = (ms: number) => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(ms)
}
const sMaxAge = (res: Response) => Number(/s-maxage=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1])
/** The longest any cache may keep the response fresh or serve it stale while revalidating. */
function longestLifetime(res: Response): number {
  const browser = res.headers.get('cache-control') ?? ''
  const edge = res.headers.get('cloudflare-cdn-cache-control') ?? ''
  const n = (re: RegExp, h: string) => Number(re.exec(h)?.[1] ?? 0)
  return Math.max(n(/(?:^|\s)max-age=(\d+)/, browser), n(/s-maxage=(\d+)/, browser), n(/max-age=(\d+)/, edge) + n(/stale-while-revalidate=(\d+)/, edge))
}
const kindOf = (path: string) => (path.endsWith('.json') ? 'feed' : 'page')

afterEach(() => vi.useRealTimers())

describe('a post scheduled for the future', () => {
  it('shows nowhere a minute before its time, and no cache outlives that minute', async () => {
    at(DUE - 60_000)
    expect(Date.now()).toBe(DUE - 60_000)
    const missing = await get(POST)
    expect(missing.status).toBe(404)
    // Its URL's 404 is not cached past its time either.
    expect(longestLifetime(missing)).toBeLessThanOrEqual(60)
    for (const path of LISTINGS) {
      const res = await get(path)
      expect(res.status, path).toBe(200)
      expect(await res.text(), path).not.toContain('far-future')
      expect(sMaxAge(res), path).toBe(60)
      expect(longestLifetime(res), path).toBeLessThanOrEqual(60)
    }
    // Ten seconds before, ten seconds at most, its URL's 404 included.
    at(DUE - 10_000)
    expect(longestLifetime(await get(POST))).toBe(10)
    expect(longestLifetime(await get('/'))).toBe(10)
    at(DUE - 60_000)
    // An unrelated post page too: its links may name the new post when it appears.
    const other = await get('/2025/06/published-later/')
    expect(sMaxAge(other)).toBe(60)
    expect(longestLifetime(other)).toBeLessThanOrEqual(60)
  })

  it('appears at its time with no deploy: page, listings, feeds, archives', async () => {
    at(DUE + 1000)
    const page = await get(POST)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('A post from the far future')
    for (const path of LISTINGS) {
      const res = await get(path)
      expect(res.status, path).toBe(200)
      expect(await res.text(), path).toContain('far-future')
      // No later scheduled post: the usual, uncapped lifetimes are back.
      expect(res.headers.get('cache-control'), path).toBe(cacheHeaders(kindOf(path))['Cache-Control'])
      expect(longestLifetime(res), path).toBeGreaterThan(60)
    }
    // Its neighbour links to it now (links are their own records, revealed by the schedule).
    expect(await (await get('/2025/06/published-later/')).text()).toContain(`href="${POST}"`)
  })
})
