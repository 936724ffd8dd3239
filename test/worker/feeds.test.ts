// Feeds, discovery files and the JSON API as served by the worker in workerd,
// from real KV seeded with the fixture build: media types, CORS, validators,
// 304s on a second poll, and the API's shapes.
import { describe, expect, it } from 'vitest'
import { encoded, get, ORIGIN } from './helpers.ts'

const TYPES: Record<string, string> = {
  '/feed.json': 'application/feed+json; charset=utf-8',
  '/feed.xml': 'application/atom+xml; charset=utf-8',
  '/rss.xml': 'application/rss+xml; charset=utf-8',
  '/tags/cloudflare/feed.json': 'application/feed+json; charset=utf-8',
  '/tags/cloudflare/feed.xml': 'application/atom+xml; charset=utf-8',
  '/categories/programming/feed.xml': 'application/atom+xml; charset=utf-8',
  '/sitemap.xml': 'application/xml; charset=utf-8',
  '/robots.txt': 'text/plain; charset=utf-8',
  '/llms.txt': 'text/plain; charset=utf-8',
  '/api/posts': 'application/json; charset=utf-8',
  '/api/posts?page=2': 'application/json; charset=utf-8',
  '/api/posts?tag=cloudflare': 'application/json; charset=utf-8',
  '/api/posts/2025/01/deepseek-ai/': 'application/json; charset=utf-8',
  '/api/tags': 'application/json; charset=utf-8',
  '/api/categories': 'application/json; charset=utf-8',
}
const CORS = Object.keys(TYPES).filter((p) => p !== '/robots.txt' && p !== '/llms.txt' && p !== '/sitemap.xml')

interface Meta {
  path: string
  url: string
  title: string
  date: string
  tags: Array<{ name: string; slug: string }>
}
interface Page {
  page: number
  pages: number
  total: number
  prev: string | null
  next: string | null
  items: Meta[]
}

async function json<T>(path: string): Promise<T> {
  const res = await get(path)
  expect(res.status, path).toBe(200)
  return (await res.json()) as T
}

/** Every item of a paged API listing, following `next` to the end. */
async function allPosts(first: string): Promise<{ items: Meta[]; totals: number[] }> {
  const items: Meta[] = []
  const totals: number[] = []
  let path: string | null = first
  while (path) {
    const page: Page = await json<Page>(path)
    items.push(...page.items)
    totals.push(page.total)
    path = page.next
    expect(items.length).toBeLessThan(1000)
  }
  return { items, totals }
}

describe('feed and API responses', () => {
  it.each(Object.entries(TYPES))('%s has its media type, a strong ETag and Last-Modified', async (path, type) => {
    const res = await get(path)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(type)
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-z-]+"$/)
    expect(Date.parse(res.headers.get('last-modified')!)).toBeGreaterThan(Date.parse('2020-01-01'))
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+, s-maxage=\d+$/)
    expect(res.headers.get('cloudflare-cdn-cache-control')).toMatch(/^max-age=\d+, stale-while-revalidate=\d+, stale-if-error=\d+$/)
    expect((await res.text()).length).toBeGreaterThan(0)
  })

  it.each(CORS)('%s may be read cross-origin', async (path) => {
    expect((await get(path)).headers.get('access-control-allow-origin')).toBe('*')
  })

  it.each(Object.keys(TYPES))("%s answers a feed reader's second poll with 304, repeating the headers", async (path) => {
    const first = await get(path)
    await first.arrayBuffer()
    const etag = first.headers.get('etag')!
    const polls: Array<Record<string, string>> = [{ 'If-None-Match': etag }, { 'If-Modified-Since': first.headers.get('last-modified')! }]
    for (const validators of polls) {
      const second = await get(path, { headers: validators })
      expect(second.status).toBe(304)
      expect(await second.text()).toBe('')
      // RFC 9110 §15.4.5: a 304 carries the Cache-Control, ETag and Date a 200 would (no Vary: the representation varies on nothing).
      for (const h of ['cache-control', 'cloudflare-cdn-cache-control', 'etag', 'last-modified', 'access-control-allow-origin']) expect(second.headers.get(h), h).toBe(first.headers.get(h))
      expect(second.headers.get('date')).toBeTruthy()
    }
    const stale = await get(path, { headers: { 'If-None-Match': '"not-this-one"' } })
    expect(stale.status).toBe(200)
  })

  it('gives the API a different ETag from the page it projects', async () => {
    const page = await get('/2025/01/deepseek-ai/')
    const api = await get('/api/posts/2025/01/deepseek-ai/')
    expect(api.headers.get('etag')).not.toBe(page.headers.get('etag'))
  })

  it('answers HEAD on a feed with headers and no body', async () => {
    const res = await get('/feed.xml', { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    expect(await res.text()).toBe('')
  })
})

describe('served feeds', () => {
  it('serve Atom with its self link and the seed post, escaped', async () => {
    const body = await (await get('/feed.xml')).text()
    expect(body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true)
    expect(body).toContain(`<link rel="self" type="application/atom+xml" href="${ORIGIN}/feed.xml"/>`)
    expect(body).toContain('<title type="text">DeepSeek，大国竞争，以及国运</title>')
    expect(body).toContain('A pinned post about &quot;quotes&quot; &amp; &lt;brackets&gt;')
  })

  it('serve RSS with atom:link rel=self and absolute image URLs in content', async () => {
    const body = await (await get('/rss.xml')).text()
    expect(body).toContain(`<atom:link rel="self" type="application/rss+xml" href="${ORIGIN}/rss.xml"/>`)
    expect(body).toContain(`src="${ORIGIN}/assets/img/edge-request.svg"`)
    expect(body).not.toContain('src="/assets/')
  })

  it('list every post in the sitemap, and name it in robots.txt', async () => {
    const { items } = await allPosts('/api/posts')
    const sitemap = await (await get('/sitemap.xml')).text()
    for (const post of items) expect(sitemap).toContain(`<loc>${post.url}</loc>`)
    expect(await (await get('/robots.txt')).text()).toContain(`Sitemap: ${ORIGIN}/sitemap.xml`)
    const llms = await (await get('/llms.txt')).text()
    for (const post of items) expect(llms).toContain(`(${post.url})`)
  })
})

describe('JSON API', () => {
  it('pages through every post once, with the listing total on each page', async () => {
    const { items, totals } = await allPosts('/api/posts')
    expect(new Set(items.map((i) => i.path)).size).toBe(items.length)
    expect(new Set(totals)).toEqual(new Set([items.length]))
    const feed = (await json<{ items: Array<{ url: string }> }>('/feed.json')).items.map((i) => i.url)
    expect(new Set(items.map((i) => i.url))).toEqual(new Set(feed))
    const first = items.find((i) => i.path === '/2025/01/deepseek-ai/')!
    expect(first).toMatchObject({ url: `${ORIGIN}/2025/01/deepseek-ai/`, title: 'DeepSeek，大国竞争，以及国运', date: '2025-01-31T00:15:00+09:00' })
  })

  it('counts each tag and category as many times as its filtered listing holds posts', async () => {
    for (const taxonomy of ['tag', 'category'] as const) {
      const { terms } = await json<{ terms: Array<{ name: string; slug: string; count: number; posts: string }> }>(taxonomy === 'tag' ? '/api/tags' : '/api/categories')
      expect(terms.length).toBeGreaterThan(0)
      for (const term of terms) {
        const link = new URL(term.posts, 'https://api.example')
        expect(link.pathname).toBe('/api/posts')
        expect(link.searchParams.get(taxonomy)).toBe(term.slug)
        const { items } = await allPosts(term.posts)
        expect(items.length, term.slug).toBe(term.count)
      }
    }
  })

  it('returns one post with its metadata and HTML, with or without the trailing slash', async () => {
    const post = await json<{ title: string; url: string; html: string; tags: unknown[]; categories: Array<{ name: string }>; source: string }>(
      encoded('/api/posts/2025/01/deepseek-ai/'),
    )
    expect(post.title).toBe('DeepSeek，大国竞争，以及国运')
    expect(post.url).toBe(`${ORIGIN}/2025/01/deepseek-ai/`)
    expect(post.html).toContain('<a href="https://weibo.com/6603744955/PbpQT8pqY">')
    expect(post.categories).toEqual([{ name: '南箕北斗集', slug: '南箕北斗集' }])
    expect(post).not.toHaveProperty('scriptHashes')
    expect((await json<{ title: string }>('/api/posts/2025/01/deepseek-ai')).title).toBe(post.title)
  })

  it('gives a post its subtitle as written, and a post without one no subtitle key', async () => {
    const swift = await json<{ subtitle?: string }>('/api/posts/2025/02/swift-concurrency-notes/')
    expect(swift.subtitle).toBe('Completion handlers -> async & await, <MainActor> included')
    expect(await json<object>(encoded('/api/posts/2025/01/deepseek-ai/'))).not.toHaveProperty('subtitle')
  })

  it.each(['/api/posts/no/such/post/', '/api/posts/tags/', '/api/posts?page=999', '/api/posts?page=abc', '/api/posts?page=0', '/api/posts?tag=nope', '/api/posts?tag=web&category=programming', '/api/posts/%E0%A4%A/'])(
    '%s is a JSON 404',
    async (path) => {
      const res = await get(path)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'not-found', message: expect.any(String) })
    },
  )
})

describe('JSON API fields, as README.md documents them', () => {
  const ITEM = ['path', 'url', 'title', 'date', 'day', 'excerpt', 'tags', 'categories', 'readingMinutes', 'pinned']
  const OPTIONAL = ['updated', 'updatedDay', 'image']
  const POST = ['description', 'lang', 'html', 'toc', 'prev', 'next', 'related', 'source']
  const POST_OPTIONAL = ['subtitle']

  it('gives listing pages, items, posts and terms exactly the documented keys', async () => {
    const page = await json<Page & Record<string, unknown>>('/api/posts')
    expect(Object.keys(page).sort()).toEqual(['scope', 'page', 'pages', 'total', 'prev', 'next', 'items'].sort())
    for (const item of page.items) {
      const keys = Object.keys(item)
      expect(keys).toEqual(expect.arrayContaining(ITEM))
      expect(keys.filter((k) => !ITEM.includes(k) && !OPTIONAL.includes(k))).toEqual([])
    }
    const post = await json<Record<string, unknown>>(page.items[0]!.path.replace(/^/, '/api/posts'))
    expect(Object.keys(post)).toEqual(expect.arrayContaining([...ITEM, ...POST]))
    expect(Object.keys(post).filter((k) => ![...ITEM, ...OPTIONAL, ...POST].includes(k))).toEqual([])
    const swift = await json<Record<string, unknown>>('/api/posts/2025/02/swift-concurrency-notes/')
    expect(Object.keys(swift).filter((k) => ![...ITEM, ...OPTIONAL, ...POST, ...POST_OPTIONAL].includes(k))).toEqual([])
    const tags = await json<{ taxonomy: string; terms: Array<Record<string, unknown>> }>('/api/tags')
    expect(tags.taxonomy).toBe('tag')
    for (const term of tags.terms) expect(Object.keys(term).sort()).toEqual(['count', 'name', 'posts', 'slug', 'url'])
    const counts = tags.terms.map((t) => t.count as number)
    expect(counts).toEqual([...counts].sort((a, b) => b - a))
  })
})
