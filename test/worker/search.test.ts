// Search quality and behaviour on the fixture blog, inside workerd with real KV.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import app from '../../src/index.ts'
import { resetSearchCache } from '../../src/search/index.ts'
import { DELTA_EDIT } from '../fixture.ts'
import { ORIGIN, get } from './helpers.ts'

const SEED = '/2025/01/deepseek-ai/'

interface ApiResult {
  query: string
  total: number
  page: number
  pages: number
  partial: boolean
  results: Array<{ path: string; title: string; titleHtml: string; snippetHtml: string; url: string; date: string }>
}

async function api(q: string, extra = ''): Promise<{ status: number; body: ApiResult & { error?: { code: string; message: string } } }> {
  const res = await get(`/api/search?q=${encodeURIComponent(q)}${extra}`)
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  return { status: res.status, body: await res.json() }
}

async function page(q: string): Promise<{ status: number; html: string }> {
  const res = await get(`/search?q=${encodeURIComponent(q)}`)
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
  return { status: res.status, html: await res.text() }
}

/** Result paths in page order, from the HTML. */
const pagePaths = (html: string) => [...html.matchAll(/<li class="summary"><h2><a href="([^"]+)"/g)].map((m) => decodeURI(m[1]!))

describe('search quality', () => {
  for (const q of ['国运', '大模型', 'DeepSeek', 'deepseek', '开源']) {
    it(`finds the seed post first for ${q}, in the API and on the page`, async () => {
      const { status, body } = await api(q)
      expect(status).toBe(200)
      expect(body.results[0]?.path).toBe(SEED)
      const { html } = await page(q)
      expect(pagePaths(html)[0]).toBe(SEED)
      expect(html).toContain('<mark>')
    })
  }

  it('highlights the Chinese match in the snippet', async () => {
    const { body } = await api('开源')
    expect(body.results[0]!.snippetHtml).toContain('<mark>开源</mark>')
    const { body: title } = await api('国运')
    expect(title.results[0]!.titleHtml).toContain('<mark>国运</mark>')
  })

  it('finds the English posts for English queries, and not the Chinese one', async () => {
    const actors = await api('actors')
    expect(actors.body.results.map((r) => r.path)).toEqual(['/2025/02/swift-concurrency-notes/'])
    const edge = await api('Edge WORKERS')
    expect(edge.body.results[0]?.path).toBe('/2025/03/edge-rendering-with-workers/')
    expect(edge.body.results.map((r) => r.path)).not.toContain(SEED)
    // Title and tag matches weigh more: the post titled Swift outranks those only tagged.
    const swift = await api('swift')
    expect(swift.body.results[0]?.path).toBe('/2025/02/swift-concurrency-notes/')
    expect(swift.body.total).toBeGreaterThan(1)
  })

  it('matches a phrase across punctuation, with or without it in the query', async () => {
    // The title reads "大国竞争，以及国运": the query leaves the comma out, or puts another in.
    for (const q of ['大国竞争以及国运', '大国竞争、以及国运', 'DeepSeek, 大国竞争']) {
      const { body } = await api(q)
      expect(body.results[0]?.path, q).toBe(SEED)
    }
    const { body } = await api('竞争以及')
    expect(body.results[0]?.titleHtml).toContain('<mark>竞争</mark>，<mark>以及</mark>')
  })

  it('folds width and case: full-width letters find the post', async () => {
    const { body } = await api('ＤＥＥＰＳＥＥＫ')
    expect(body.results[0]?.path).toBe(SEED)
  })

  it('says so when nothing matches', async () => {
    const { status, body } = await api('量子纠缠')
    expect(status).toBe(200)
    expect(body.total).toBe(0)
    expect(body.results).toEqual([])
    const { status: pageStatus, html } = await page('xylophone')
    expect(pageStatus).toBe(200)
    expect(html).toContain('没有找到与“xylophone”相关的文章。')
  })

  it('does not find scheduled posts before their time', async () => {
    // The 2099 post is in the build, in a schedule step; its words are nowhere else.
    expect((await api('far future')).body.total).toBe(0)
    // The post scheduled for 2025-06-01 is due by now and found.
    expect((await api('scheduled')).body.results.map((r) => r.path)).toContain('/2025/06/published-later/')
  })
})

describe('search safety', () => {
  it('escapes markup from the post in snippets', async () => {
    const { body } = await api('Zanzibar')
    const snippet = body.results[0]!.snippetHtml
    expect(snippet).toContain('&lt;b&gt;')
    expect(snippet).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(snippet).toContain('<mark>Zanzibar</mark>')
    expect(snippet.replace(/<\/?mark>/g, '')).not.toMatch(/<[a-z/]/i)
    const { html } = await page('Zanzibar')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>alert(1)')
  })

  it('never reflects the query unescaped', async () => {
    const q = '"><script>alert(1)</script>'
    const { html } = await page(q)
    expect(html).not.toContain('<script>alert(1)')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    const res = await get(`/api/search?q=${encodeURIComponent(q)}`)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })
})

describe('search answers for queries the index cannot run', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '   ', /Type a word/],
    ['too-long', 'a'.repeat(201), /at most 200 characters/],
    ['too-long', '国'.repeat(201), /at most 200 characters/],
    ['no-terms', 'AND OR NOT', /only operators or punctuation/],
    ['no-terms', '+-"*()', /only operators or punctuation/],
  ]
  for (const [code, q, message] of cases) {
    it(`answers ${code} (${q.slice(0, 12)}) with 400 JSON and a 200 page`, async () => {
      const { status, body } = await api(q)
      expect(status).toBe(400)
      expect(body.error?.code).toBe(code)
      expect(body.error?.message).toMatch(message)
      const res = await page(q)
      expect(res.status).toBe(200)
      expect(res.html).toContain('class="search-message"')
    })
  }

  it('accepts exactly 200 characters', async () => {
    expect((await api('国'.repeat(200))).status).toBe(200)
  })

  it('shows the bare search page with a form for /search', async () => {
    const res = await get('/search')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<form class="search-form" action="/search" method="get">')
    expect(html).not.toContain('class="search-message"')
  })

  it('rejects a bad page number in the API and pages through results', async () => {
    expect((await api('swift', '&page=0')).status).toBe(400)
    expect((await api('swift', '&page=abc')).body.error?.code).toBe('bad-page')
    const beyond = await api('swift', '&page=5')
    expect(beyond.status).toBe(200)
    expect(beyond.body.results).toEqual([])
    expect((await get('/search?q=swift&page=zz')).status).toBe(200)
  })

  it('sets Cache-Control from the search policy and no 500 on odd input', async () => {
    const res = await get('/api/search?q=')
    expect(res.status).toBe(400)
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=60, s-maxage=300$/)
    expect(res.headers.get('cloudflare-cdn-cache-control')).toMatch(/^max-age=300, stale-while-revalidate=\d+, stale-if-error=\d+$/)
    for (const path of ['/search?q=%00', '/api/search?q=%E4%B8', '/search?q=%F0%9F%98%80', '/api/search?q=a&q=b', '/search?page=2']) {
      expect((await get(path)).status, path).toBeLessThan(500)
    }
  })
})

describe('search KV reads', () => {
  function counting(inner: KVNamespace) {
    const counter = { reads: 0, keys: [] as string[], kv: inner }
    counter.kv = new Proxy(inner, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown
        if (typeof value !== 'function') return value
        if (prop !== 'get') return (value as (...a: unknown[]) => unknown).bind(target)
        return (key: string | string[], ...rest: unknown[]) => {
          counter.reads++
          counter.keys.push(...(Array.isArray(key) ? key : [key]))
          return (value as (...a: unknown[]) => unknown).call(target, key, ...rest)
        }
      },
    })
    return counter
  }

  async function counted(path: string) {
    const counter = counting(env.CONTENT)
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext
    const res = await app.fetch(new Request(`${ORIGIN}${path}`), { ...env, CONTENT: counter.kv }, ctx)
    await res.arrayBuffer()
    return counter
  }

  it('reads the doc table once, then one bulk read of shards and one of the hits’ snippet texts', async () => {
    await counted('/') // the manifest and site settings are in memory from here on
    resetSearchCache()
    const cold = await counted(`/api/search?q=${encodeURIComponent('开源')}`)
    expect(cold.reads).toBe(3)
    const warm = await counted(`/api/search?q=${encodeURIComponent('国运 DeepSeek 开源 大模型')}`)
    expect(warm.reads).toBe(2)
    expect(warm.keys.length).toBeLessThanOrEqual(8 + 10)
    // No hits: the shard read only.
    expect((await counted('/api/search?q=xylophone')).reads).toBe(1)
    // A refused query reads nothing of the index.
    expect((await counted('/api/search?q=')).reads).toBe(0)
  })
})

describe('an index with a delta (a build measured against an earlier one)', () => {
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext
  async function apiOn(buildId: string, q: string): Promise<ApiResult> {
    const res = await app.fetch(new Request(`${ORIGIN}/api/search?q=${encodeURIComponent(q)}`), { ...env, BUILD_ID: buildId }, ctx)
    expect(res.status).toBe(200)
    return res.json()
  }
  const deltaBuild = () => (env as unknown as { TEST_DELTA_BUILD: string }).TEST_DELTA_BUILD

  it('finds the edited post by its new words, and only in the build that has them', async () => {
    expect((await apiOn(deltaBuild(), 'zeppelin')).results.map((r) => r.path)).toEqual([DELTA_EDIT.path])
    expect((await apiOn(deltaBuild(), 'zeppelin')).results[0]!.snippetHtml).toContain('<mark>zeppelin</mark>')
    expect((await get('/api/search?q=zeppelin').then((r) => r.json() as Promise<ApiResult>)).total).toBe(0)
  })

  it('lists the edited post once, hiding its copy in the base', async () => {
    const results = (await apiOn(deltaBuild(), 'Hono KV')).results.map((r) => r.path)
    expect(results.filter((p) => p === DELTA_EDIT.path)).toHaveLength(1)
  })

  it('answers other queries as the base build does', async () => {
    for (const q of ['国运', '大模型', 'Swift', 'scheduled']) {
      const base = (await api(q)).body.results.map((r) => r.path)
      expect((await apiOn(deltaBuild(), q)).results.map((r) => r.path)).toEqual(base)
    }
    // Scheduled posts stay hidden in the delta build too.
    expect((await apiOn(deltaBuild(), 'far future')).total).toBe(0)
  })
})
