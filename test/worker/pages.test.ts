// Every page kind a reader meets: status, well-formed HTML (parse5 reports no
// parse error), and the head every page needs; then what each kind must show.
import { describe, expect, it } from 'vitest'
import { attr, parsePage, text, within, type ParsedPage } from './html.ts'
import { ORIGIN, encoded, get } from './helpers.ts'
import { PAGE_SCRIPT } from '../../src/shared/page-script.ts'

const SEED = '/2025/01/deepseek-ai/'
const COVER = '/2025/03/edge-rendering-with-workers/'
const TOC = '/2025/02/swift-concurrency-notes/'
const TYPORA = '/2022/08/typora-notes/'

/** Decoded path → expected status. */
const PAGES: Record<string, number> = {
  '/': 200,
  '/page/2/': 200,
  [SEED]: 200,
  [COVER]: 200,
  [TOC]: 200,
  [TYPORA]: 200,
  '/tags/排版/': 200,
  '/tags/': 200,
  '/tags/大模型/': 200,
  '/tags/swift/': 200,
  '/tags/swift/page/2/': 200,
  '/categories/': 200,
  '/categories/南箕北斗集/': 200,
  '/archives/': 200,
  '/about/': 200,
  '/no-such-page/': 404,
}

async function page(path: string, status = 200): Promise<ParsedPage> {
  const res = await get(encoded(path))
  expect(res.status, path).toBe(status)
  expect(res.headers.get('content-type'), path).toBe('text/html; charset=utf-8')
  const html = await res.text()
  expect(html.startsWith('<!doctype html>'), path).toBe(true)
  const parsed = parsePage(html)
  expect(parsed.errors, path).toEqual([])
  return parsed
}

const jsonLd = (p: ParsedPage) => p.all('script', (s) => attr(s, 'type') === 'application/ld+json').map((s) => JSON.parse(text(s)) as Record<string, unknown>)

describe('every page kind', () => {
  for (const [path, status] of Object.entries(PAGES)) {
    it(`${path} answers ${status} with well-formed HTML and a complete head`, async () => {
      const p = await page(path, status)
      expect(attr(p.one('html'), 'lang')).toBe('zh-Hans')
      expect(text(p.one('title')!).trim()).toMatch(/Fixture Blog$/)
      expect(p.all('h1')).toHaveLength(1)
      expect(p.meta('description')).toBeTruthy()
      expect(p.meta('og:title')).toBeTruthy()
      expect(p.meta('twitter:card')).toMatch(/^summary/)
      expect(attr(p.link('alternate', 'application/feed+json')[0], 'href')).toBe('/feed.json')
      expect(attr(p.link('alternate', 'application/atom+xml')[0], 'href')).toBe('/feed.xml')
      expect(attr(p.link('icon')[0], 'href')).toBe('/favicon.svg')
      expect(p.link('stylesheet').map((l) => attr(l, 'href'))).toEqual([expect.stringMatching(/^\/_kumo\/style\.[0-9a-f]{10}\.css$/)])
      // One script runs, the layout's (allowed by its hash); the others are JSON-LD data blocks, and they parse.
      expect(p.all('script', (s) => attr(s, 'type') !== 'application/ld+json').map((s) => text(s))).toEqual([PAGE_SCRIPT])
      jsonLd(p)
      // The header's search box is a plain GET form to /search with `q`.
      const form = p.one('form', (f) => attr(f, 'role') === 'search')
      expect([attr(form, 'action'), attr(form, 'method')]).toEqual(['/search', 'get'])
      expect(p.all('input', (i) => attr(i, 'name') === 'q')).toHaveLength(1)
      if (status === 200) {
        expect(attr(p.link('canonical')[0], 'href')).toBe(`${ORIGIN}${encoded(path)}`)
        expect(p.meta('og:url')).toBe(`${ORIGIN}${encoded(path)}`)
      } else {
        expect(p.link('canonical')).toEqual([])
        expect(p.meta('robots')).toBe('noindex')
      }
    })
  }
})

describe('home and listings', () => {
  it('home describes the site as a WebSite in JSON-LD', async () => {
    const [ld] = jsonLd(await page('/'))
    expect(ld).toMatchObject({ '@type': 'WebSite', name: 'Fixture Blog', url: ORIGIN })
    expect(jsonLd(await page('/page/2/'))).toEqual([])
  })

  it('links pages with rel=prev/next in the head and the body', async () => {
    const first = await page('/tags/swift/')
    expect(attr(first.link('next')[0], 'href')).toBe('/tags/swift/page/2/')
    expect(first.link('prev')).toEqual([])
    const second = await page('/tags/swift/page/2/')
    expect(attr(second.link('prev')[0], 'href')).toBe('/tags/swift/')
    expect(attr(second.one('a', (a) => attr(a, 'rel') === 'prev'), 'href')).toBe('/tags/swift/')
  })

  it('offers a tag page its own feeds', async () => {
    const p = await page('/tags/大模型/')
    expect(p.link('alternate').map((l) => attr(l, 'href'))).toContain(encoded('/tags/大模型/feed.json'))
  })
})

describe('post page', () => {
  it('is an article with its published time, reading time and BlogPosting JSON-LD', async () => {
    const p = await page(SEED)
    expect(p.meta('og:type')).toBe('article')
    expect(p.meta('article:published_time')).toBe('2025-01-31T00:15:00+09:00')
    expect(p.all('meta', (m) => attr(m, 'property') === 'article:tag').map((m) => attr(m, 'content'))).toEqual(['AI', '大模型', '国际关系', '算法'])
    expect(p.meta('twitter:card')).toBe('summary')
    const [ld] = jsonLd(p)
    expect(ld).toMatchObject({ '@type': 'BlogPosting', headline: 'DeepSeek，大国竞争，以及国运', datePublished: '2025-01-31T00:15:00+09:00' })
    expect(text(p.one('p', (el) => attr(el, 'class') === 'meta')!)).toMatch(/阅读约 \d+ 分钟/)
    // Under three headings: no table of contents.
    expect(p.all('nav', (n) => attr(n, 'class') === 'toc')).toEqual([])
  })

  it('shows the last-modified date in the site timezone, in the head and in JSON-LD', async () => {
    const p = await page(TYPORA)
    const times = p.all('time').map((t) => [attr(t, 'datetime'), text(t)])
    expect(times).toEqual([
      ['2022-08-15T21:30:00+09:00', '2022-08-15'],
      ['2023-02-01T10:00:00+09:00', '2023-02-01'],
    ])
    expect(text(p.one('p', (el) => attr(el, 'class') === 'meta')!)).toContain('更新于 2023-02-01')
    expect(p.meta('article:modified_time')).toBe('2023-02-01T10:00:00+09:00')
    expect(jsonLd(p)[0]).toMatchObject({ dateModified: '2023-02-01T10:00:00+09:00' })
  })

  it('keeps /assets/ image paths of a typora-root-url post, lazy-loaded', async () => {
    const p = await page(TYPORA)
    const img = p.one('img', (i) => attr(i, 'src') === '/assets/img/edge-request.svg')
    expect(attr(img, 'loading')).toBe('lazy')
  })

  it('shows the cover image first (eager, high priority), other images lazily, and asks for a large Twitter card', async () => {
    const p = await page(COVER)
    expect(p.meta('twitter:card')).toBe('summary_large_image')
    expect(p.meta('og:image')).toBe(`${ORIGIN}/assets/img/edge-request.svg`)
    expect(p.meta('twitter:image')).toBe(`${ORIGIN}/assets/img/edge-request.svg`)
    const cover = p.one('img', (i) => attr(i, 'src') === '/assets/img/edge-request.svg')
    expect(attr(cover, 'alt')).toMatch(/edge cache/)
    expect(attr(cover, 'fetchpriority')).toBe('high')
    expect(attr(cover, 'loading')).toBeUndefined()
    const inBody = p.all('img', (i) => attr(i, 'fetchpriority') !== 'high' && !/favicon/.test(attr(i, 'src') ?? ''))
    for (const img of inBody) expect(attr(img, 'loading'), attr(img, 'src')).toBe('lazy')
  })

  it('has a table of contents with three or more headings, each link to a heading on the page', async () => {
    const p = await page(TOC)
    const toc = p.one('nav', (n) => attr(n, 'class') === 'toc')
    expect(toc).toBeDefined()
    const targets = p.all('a').filter((a) => (attr(a, 'href') ?? '').startsWith('#') && attr(a, 'class') !== 'skip')
    expect(targets.length).toBeGreaterThanOrEqual(3)
    for (const a of targets) {
      const id = decodeURIComponent(attr(a, 'href')!.slice(1))
      expect(p.all('h2').concat(p.all('h3')).some((h) => attr(h, 'id') === id), id).toBe(true)
    }
  })

  it('shows a subtitle under the title, as written and escaped, and none for a post without one', async () => {
    const subtitle = (await page(TOC)).one('p', (e) => attr(e, 'class') === 'subtitle')
    expect(text(subtitle!)).toBe('Completion handlers -> async & await, <MainActor> included')
    // Right under the title, inside the post's header.
    expect(await (await get(encoded(TOC))).text()).toMatch(/<\/h1><p class="subtitle">Completion handlers -&gt; async &amp; await, &lt;MainActor&gt; included<\/p>/)
    expect((await page(SEED)).all('p', (e) => attr(e, 'class') === 'subtitle')).toEqual([])
  })

  it('links the previous and next posts, and related posts that share a tag', async () => {
    const p = await page(TOC)
    const prev = attr(p.one('a', (a) => attr(a, 'rel') === 'prev'), 'href')!
    const next = attr(p.one('a', (a) => attr(a, 'rel') === 'next'), 'href')!
    expect([prev, next]).toEqual([encoded(SEED), COVER])
    const related = p.one('section', (s) => attr(s, 'class') === 'related')!
    const links = within(related, 'a').map((a) => attr(a, 'href')!)
    expect(links.length).toBeGreaterThan(0)
    expect(links.length).toBeLessThanOrEqual(5)
    const tagsOf = (q: ParsedPage) => new Set(q.all('a', (a) => attr(a, 'rel') === 'tag').map((a) => attr(a, 'href')))
    const mine = tagsOf(p)
    for (const link of links) {
      const shared = [...tagsOf(await page(decodeURIComponent(link)))].filter((t) => mine.has(t))
      expect(shared.length, link).toBeGreaterThan(0)
    }
  })
})

describe('indexes, archives, about, 404', () => {
  it('lists every tag with its post count, each link answering 200', async () => {
    const p = await page('/tags/')
    const items = p.all('a').filter((a) => /^\/tags\/[^/]+\/$/.test(attr(a, 'href') ?? ''))
    expect(items.length).toBeGreaterThan(5)
    for (const a of items) {
      const count = Number(text(a.childNodes.find((c) => 'tagName' in c && c.tagName === 'span')!))
      expect(count).toBeGreaterThan(0)
      const listing = await (await get(attr(a, 'href')!)).text()
      expect(listing).toContain(count === 1 ? '1 篇文章' : `${count} 篇文章`)
    }
  })

  it('groups the archives by year, then month, newest first', async () => {
    const p = await page('/archives/')
    const years = p.all('h2').map((h) => text(h))
    expect(years).toEqual([...years].sort().reverse())
    expect(years).toContain('2025')
    expect(p.all('h3').map((h) => text(h))).toContain('6 月')
  })

  it('renders About from content/pages', async () => {
    const p = await page('/about/')
    expect(text(p.one('h1')!)).toBeTruthy()
    expect(p.one('div', (d) => attr(d, 'class') === 'content')).toBeDefined()
  })

  it('404 links home and to the archives', async () => {
    const p = await page('/no-such-page/', 404)
    const hrefs = p.all('a').map((a) => attr(a, 'href'))
    expect(hrefs).toContain('/')
    expect(hrefs).toContain('/archives/')
  })
})

describe('Chinese tag and category links', () => {
  it('work as linked (percent-encoded), as typed (raw UTF-8) and with lower-case escapes', async () => {
    const p = await page(SEED)
    const links = p.all('a').map((a) => attr(a, 'href')!).filter((h) => /^\/(tags|categories)\/%/.test(h))
    expect(links.length).toBeGreaterThanOrEqual(4)
    for (const link of links) {
      const decoded = decodeURIComponent(link)
      for (const variant of [link, decoded, link.toLowerCase()]) {
        // `new Request` percent-encodes raw UTF-8, as a browser's address bar does.
        const res = await get(variant)
        expect(res.status, variant).toBe(200)
        expect(await res.text(), variant).toContain(`href="${SEED}"`)
      }
    }
  })
})
