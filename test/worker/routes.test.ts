import { describe, expect, it } from 'vitest'
import { encoded, get } from './helpers.ts'

const SEED = '/2025/01/deepseek-ai/'

describe('the seed post', () => {
  it('is served at its Jekyll permalink with title, date, category and tags', async () => {
    const res = await get(SEED)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await res.text()
    expect(html).toMatch(/^<!doctype html><html lang="zh-Hans">/)
    expect(html).toContain('<h1>DeepSeek，大国竞争，以及国运</h1>')
    expect(html).toContain('<time datetime="2025-01-31T00:15:00+09:00">2025-01-31</time>')
    expect(html).toContain(`<a href="${encoded('/categories/南箕北斗集/')}">南箕北斗集</a>`)
    for (const [name, slug] of [['AI', 'ai'], ['大模型', '大模型'], ['国际关系', '国际关系'], ['算法', '算法']]) {
      expect(html).toContain(`<a href="${encoded(`/tags/${slug}/`)}" rel="tag">${name}</a>`)
    }
  })

  it('has tag and category pages that answer 200 and list it', async () => {
    for (const path of ['/tags/ai/', '/tags/大模型/', '/tags/国际关系/', '/tags/算法/', '/categories/南箕北斗集/']) {
      const res = await get(encoded(path))
      expect(res.status, path).toBe(200)
      expect(await res.text(), path).toContain(`href="${SEED}"`)
    }
  })

  it('carries caching headers and answers a matching If-None-Match with 304 and no body', async () => {
    const first = await get(SEED)
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[0-9a-f]{24}"$/)
    expect(first.headers.get('last-modified')).toBe('Thu, 30 Jan 2025 15:15:00 GMT')
    expect(first.headers.get('cache-control')).toContain('s-maxage=')
    const second = await get(SEED, { headers: { 'If-None-Match': etag } })
    expect(second.status).toBe(304)
    expect(await second.text()).toBe('')
    // RFC 9110 §15.4.5: a 304 carries the validators and cache headers a 200 would.
    for (const h of ['etag', 'cache-control', 'cloudflare-cdn-cache-control', 'last-modified']) {
      expect(second.headers.get(h), h).toBe(first.headers.get(h))
    }
    expect(second.headers.get('date')).toMatch(/ GMT$/)
  })

  it('lets If-None-Match take precedence over If-Modified-Since (RFC 9110 §13.2.2)', async () => {
    const lastModified = (await get(SEED)).headers.get('last-modified')!
    const mismatch = await get(SEED, { headers: { 'If-None-Match': '"other"', 'If-Modified-Since': lastModified } })
    expect(mismatch.status).toBe(200)
    const onlyDate = await get(SEED, { headers: { 'If-Modified-Since': lastModified } })
    expect(onlyDate.status).toBe(304)
    const earlier = await get(SEED, { headers: { 'If-Modified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' } })
    expect(earlier.status).toBe(200)
  })

  it('answers HEAD with the headers and no body', async () => {
    const res = await get(SEED, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('etag')).toMatch(/^"/)
    expect(await res.text()).toBe('')
  })
})

describe('listings', () => {
  it('paginates the home page newest first, pinned posts on top', async () => {
    const html = await (await get('/')).text()
    expect(html).toContain('rel="next" href="/page/2/"')
    const titles = [...html.matchAll(/<h2><a href="[^"]+">([^<]+)<\/a><\/h2>/g)].map((m) => m[1])
    expect(titles).toEqual(['A pinned post about &quot;quotes&quot; &amp; &lt;brackets&gt;', 'Published after the build ran'])
    const page2 = await get('/page/2/')
    expect(page2.status).toBe(200)
    expect(await page2.text()).toContain('rel="prev" href="/"')
  })

  it('shows a post scheduled before now, and hides one not yet due', async () => {
    expect((await get('/2025/06/published-later/')).status).toBe(200)
    expect((await get('/2099/01/far-future/')).status).toBe(404)
    const tag = await (await get('/tags/swift/')).text()
    expect(tag).not.toContain('far-future')
  })

})

describe('JSON Feed', () => {
  it('is served as application/feed+json with the seed post', async () => {
    const res = await get('/feed.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const feed = (await res.json()) as { version: string; items: Array<{ id: string; title: string; date_published: string }> }
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1')
    const seed = feed.items.find((i) => i.id === 'https://blog.example.com/2025/01/deepseek-ai/')
    expect(seed?.title).toBe('DeepSeek，大国竞争，以及国运')
    expect(seed?.date_published).toBe('2025-01-31T00:15:00+09:00')
  })
})

describe('errors', () => {
  it('answers an unknown path with a 404 page that links home and to the archives', async () => {
    const res = await get('/no/such/page/')
    expect(res.status).toBe(404)
    const html = await res.text()
    expect(html).toContain('href="/"')
    expect(html).toContain('href="/archives/"')
    expect(html).not.toContain('no/such/page')
  })

  it('serves the not-found page itself at /404.html with 200, as GitHub Pages does, and keeps it out of indexes', async () => {
    const file = await get('/404.html')
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await file.text()
    expect(html).toContain('<meta name="robots" content="noindex"')
    expect(html).toContain('href="/archives/"')
    // Only that file: any other unknown .html stays a 404.
    expect((await get('/405.html')).status).toBe(404)
    expect((await get('/sub/404.html')).status).toBe(404)
  })

  it('answers undecodable paths with 404, not 500', async () => {
    for (const path of ['/%E4%B8/', '/%ZZ', '/tags/%FF/']) expect((await get(path)).status, path).toBe(404)
  })

  it('answers other methods with 405 and Allow', async () => {
    const res = await get('/', { method: 'POST', body: 'x' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
  })

  it('redirects near misses once, to this site only', async () => {
    const noSlash = await get('/2025/01/deepseek-ai')
    expect(noSlash.status).toBe(301)
    expect(noSlash.headers.get('location')).toBe(SEED)
    expect((await get('/2025/01/deepseek-ai/index.html')).headers.get('location')).toBe(SEED)
    expect((await get('/TAGS/AI/')).headers.get('location')).toBe('/tags/ai/')
    expect((await get('//evil.example/')).status).toBe(404)
  })
})
