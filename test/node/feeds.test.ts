// Feeds of a generated 45-post blog, rendered by the pure renderers from the
// build's own records, then read back by real parsers: Debian's
// python3-feedparser for Atom and RSS, ajv with a JSON Feed 1.1 schema, and
// Python's XML parser for the sitemap.
import { spawnSync } from 'node:child_process'
import { refText } from '../../src/shared/packs.ts'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SITEMAP_LIMIT, sitemapRoutes } from '../../scripts/pipeline/crawler-files.ts'
import { build, type BuildResult } from '../../scripts/pipeline/index.ts'
import { renderDiscovery, renderFeed, sitemap } from '../../src/feeds/index.ts'
import { entryRecord, metaRecord } from '../../src/shared/keys.ts'
import { feedUpdated } from '../../src/shared/paging.ts'
import type { EntryRecord, FeedPageView, PostMetaRecord, RobotsRecord, RouteView, SiteRecord, SitemapRecord } from '../../src/shared/schema.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { POST_COUNT, titleOf, writeFeedFixture, xmlVisible } from './feed-fixture.ts'
import { routeRecord } from './route-record.ts'

const ORIGIN = 'https://feeds.example.org'
let dir: string
let result: BuildResult
let site: SiteRecord

beforeAll(async () => {
  dir = await writeFeedFixture()
  result = await build({ contentDir: dir, outDir: '', publicDir: '', now: new Date('2025-01-01T00:00:00Z') })
  site = JSON.parse(refText(result.blobs, result.manifest.records.site!)!) as SiteRecord
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const blob = <T>(hash: string): T => JSON.parse(refText(result.blobs, hash)!) as T
const recordOf = <T extends RouteView>(path: string): T => routeRecord<T>(result, path)
const entryOf = (path: string) => blob<EntryRecord>(result.manifest.records[entryRecord(path)]!)
const metaOf = (path: string) => blob<PostMetaRecord>(result.manifest.records[metaRecord(path)]!)
const postPaths = () => Object.keys(result.manifest.routes).filter((p) => /\/post-\d+\/$/.test(p))
const indexOf = (path: string) => Number(/post-(\d+)\/$/.exec(path)![1])

/** What the worker serves at a path: the route's record through the same renderer. */
function served(path: string): { body: string; type: string } {
  const record = recordOf<RouteView>(path)
  if (record.kind === 'feed') {
    const items = record.items.map(entryOf)
    return renderFeed(site, { ...record, updated: feedUpdated(items) }, items)
  }
  if (record.kind === 'llms') return renderDiscovery(site, record, record.posts.map(metaOf))
  if (record.kind === 'sitemap' || record.kind === 'robots') return renderDiscovery(site, record)
  throw new Error(`${path} is a ${record.kind}`)
}

const pathOf = (url: string) => decodeURI(url.slice(ORIGIN.length))

interface Parsed {
  bozo: boolean
  exception: string
  version: string
  title: string
  links: Array<{ rel: string; href: string }>
  entries: Array<{ id: string; title: string; link: string; published: number; updated: number; tags: string[]; content: string; summary: string }>
}

const FEEDPARSER = `
import sys, json, calendar, feedparser
ts = lambda t: calendar.timegm(t) if t else None
out = []
for doc in json.load(sys.stdin):
    d = feedparser.parse(doc.encode('utf-8'))
    out.append({
        'bozo': d.bozo, 'exception': str(d.get('bozo_exception', '')), 'version': d.version,
        'title': d.feed.get('title'),
        'links': [{'rel': l.get('rel'), 'href': l.get('href')} for l in d.feed.get('links', [])],
        'entries': [{
            'id': e.get('id'), 'title': e.get('title'), 'link': e.get('link'),
            'published': ts(e.get('published_parsed')), 'updated': ts(e.get('updated_parsed')),
            'tags': [t.term for t in e.get('tags', [])],
            'content': (e.get('content') or [{}])[0].get('value'), 'summary': e.get('summary'),
        } for e in d.entries],
    })
print(json.dumps(out))
`

/** Debian's feedparser (python3-feedparser), not ours. */
function feedparser(docs: string[]): Parsed[] {
  const run = spawnSync('/usr/bin/python3', ['-c', FEEDPARSER], { input: JSON.stringify(docs), encoding: 'utf8', maxBuffer: 64 << 20 })
  if (run.status !== 0) throw new Error(`feedparser failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as Parsed[]
}

/** Follows rel="next" from a first page to the end; returns each page's parse. */
function followXml(first: string): Parsed[] {
  const pages: Parsed[] = []
  let path: string | undefined = first
  while (path) {
    const [parsed] = feedparser([served(path).body])
    pages.push(parsed!)
    const next = parsed!.links.find((l) => l.rel === 'next')?.href
    path = next ? pathOf(next) : undefined
    expect(pages.length).toBeLessThan(20)
  }
  return pages
}

const seconds = (rfc3339: string) => Date.parse(rfc3339) / 1000
const FORBIDDEN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/

describe.each([
  ['Atom', '/feed.xml', 'atom10'],
  ['RSS', '/rss.xml', 'rss20'],
])('%s through feedparser', (_name, first, version) => {
  it('parses every page with no bozo flag, and the pages together hold every post exactly once', () => {
    const pages = followXml(first)
    expect(pages.length).toBe(Math.ceil(POST_COUNT / 20))
    for (const page of pages) {
      expect(page.exception).toBe('')
      expect(page.bozo).toBe(false)
      expect(page.version).toBe(version)
      expect(page.title).toBe('Feeds & <Tests>')
    }
    const links = pages.flatMap((p) => p.entries.map((e) => e.link))
    expect(links.length).toBe(POST_COUNT)
    expect(new Set(links)).toEqual(new Set(postPaths().map((p) => `${ORIGIN}${p}`)))
  })

  it('gives each entry the title, link, dates and terms of its post', () => {
    for (const entry of followXml(first).flatMap((p) => p.entries)) {
      const path = pathOf(entry.link)
      const i = indexOf(path)
      const post = entryOf(path)
      // Titles come from the source, not the build: escaping must round-trip through a real parser.
      expect(entry.title).toBe(xmlVisible(titleOf(i)))
      expect(entry.id).toBe(`${ORIGIN}${path}`)
      expect(entry.published).toBe(seconds(post.date))
      if (version === 'atom10') {
        expect(entry.updated).toBe(seconds(post.updated ?? post.date))
        expect(post.updated !== undefined).toBe(i % 5 === 0)
      }
      expect(entry.tags).toEqual(expect.arrayContaining(['alpha', 'Feeds', ...(i % 2 ? ['beta'] : [])]))
      // Atom's summary is type="text"; RSS's description is HTML, so the same text arrives as escaped HTML.
      const summary = `Summary of post ${i} with <angle> & ampersand`
      expect(entry.summary).toBe(version === 'atom10' ? summary : summary.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;'))
      // feedparser resolves what is still relative against its own base; the content must already be absolute.
      expect(entry.content).toContain(`href="${ORIGIN}/2021/`)
      expect(entry.content).toContain(`src="${ORIGIN}/assets/img/p${i}.png"`)
    }
  })

  it('carries RFC 5005 paging links and a self link on every page', () => {
    const pages = followXml(first)
    pages.forEach((page, n) => {
      const rels = Object.fromEntries(page.links.map((l) => [l.rel, l.href]))
      expect(rels.self).toBe(n === 0 ? `${ORIGIN}${first}` : `${ORIGIN}${first.replace('.xml', `/page/${n + 1}.xml`)}`)
      expect(rels.first).toBe(`${ORIGIN}${first}`)
      expect(rels.last).toBe(pages.length > 1 ? `${ORIGIN}${first.replace('.xml', `/page/${pages.length}.xml`)}` : `${ORIGIN}${first}`)
      expect('previous' in rels).toBe(n > 0)
    })
  })

  it('lets nothing XML forbids through, and ends CDATA only where it means to', () => {
    for (const path of Object.keys(result.manifest.routes).filter((p) => p.endsWith('.xml'))) {
      const { body } = served(path)
      expect(body).not.toMatch(FORBIDDEN_XML)
      const outsideCdata = body.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '')
      expect(outsideCdata.includes(']]>')).toBe(false)
      expect(outsideCdata.includes('<script>')).toBe(false)
    }
  })

  it('carries a raw ]]> in post HTML through to the reader', () => {
    const content = followXml(first).flatMap((p) => p.entries.map((e) => e.content))
    expect(content.length).toBe(POST_COUNT)
    // feedparser re-serialises the HTML it sanitises: the text and the attribute survive, escaped as HTML.
    for (const html of content) expect(html).toMatch(/<span title="a\]\](>|&gt;)b">cdata \]\](>|&gt;) end<\/span>/)
  })
})

describe('per-term Atom feeds', () => {
  it('list exactly the posts of their tag, across pages', () => {
    const links = followXml('/tags/beta/feed.xml').flatMap((p) => p.entries.map((e) => pathOf(e.link)))
    const expected = postPaths().filter((p) => indexOf(p) % 2 === 1)
    expect(links.sort()).toEqual(expected.sort())
    expect(feedparser([served('/categories/feeds/feed.xml').body])[0]!.title).toBe('Feeds & <Tests>: Feeds')
  })
})

describe('JSON Feed 1.1', () => {
  const validator = async () => {
    const schema = JSON.parse(await readFile(new URL('../schemas/json-feed-1.1.schema.json', import.meta.url), 'utf8'))
    // strictRequired off: the spec's "at least one of" rules are anyOf-of-required over properties declared beside them.
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false })
    addFormats(ajv)
    return ajv.compile(schema)
  }

  it('validates on every page, and next_url reaches every post exactly once', async () => {
    const validate = await validator()
    for (const first of ['/feed.json', '/tags/alpha/feed.json', '/tags/beta/feed.json', '/categories/feeds/feed.json']) {
      const seen: string[] = []
      let path: string | undefined = first
      while (path) {
        const { body, type } = served(path)
        expect(type).toBe('application/feed+json; charset=utf-8')
        const doc = JSON.parse(body)
        expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
        expect(doc.feed_url).toBe(`${ORIGIN}${first}`)
        seen.push(...doc.items.map((i: { url: string }) => pathOf(i.url)))
        path = doc.next_url ? pathOf(doc.next_url) : undefined
      }
      const scope = recordOf<FeedPageView>(first).scope
      const expected = postPaths().filter((p) => scope.type !== 'tag' || scope.slug === 'alpha' || indexOf(p) % 2 === 1)
      expect(seen.length).toBe(expected.length)
      expect(new Set(seen)).toEqual(new Set(expected))
    }
  })

  it('keeps titles exactly, with dates in the post offset and absolute URLs in content', () => {
    const doc = JSON.parse(served('/feed.json').body)
    const tricky = doc.items.length
    expect(tricky).toBe(20)
    for (const item of doc.items) {
      const path = pathOf(item.url)
      // The build drops control characters from titles (posts.ts), so JSON shows what XML does.
      expect(item.title).toBe(xmlVisible(titleOf(indexOf(path))))
      expect(item.date_published).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/)
      for (const [, url] of item.content_html.matchAll(/\s(?:href|src)="([^"]*)"/g)) expect(url).toMatch(/^https:\/\/feeds\.example\.org\//)
    }
    expect(doc.authors).toEqual([{ name: 'Feed Author' }])
  })

  it('escapes the tricky titles so the JSON round-trips', async () => {
    const validate = await validator()
    const pages = ['/feed.json', '/feed/page/2.json', '/feed/page/3.json'].map((p) => JSON.parse(served(p).body))
    const titles = pages.flatMap((d) => d.items.map((i: { title: string }) => i.title))
    for (let i = 0; i < 5; i++) expect(titles).toContain(xmlVisible(titleOf(i)))
    for (const d of pages) expect(validate(d)).toBe(true)
  })
})

describe('sitemap, robots.txt, llms.txt', () => {
  const XML_LOCS = `
import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
ns = '{http://www.sitemaps.org/schemas/sitemap/0.9}'
print(json.dumps({'root': root.tag.replace(ns, ''), 'locs': [e.text for e in root.iter(ns + 'loc')], 'lastmods': [e.text for e in root.iter(ns + 'lastmod')]}))
`
  const parseXml = (body: string) => {
    const run = spawnSync('/usr/bin/python3', ['-c', XML_LOCS], { input: body, encoding: 'utf8', maxBuffer: 64 << 20 })
    if (run.status !== 0) throw new Error(run.stderr)
    return JSON.parse(run.stdout) as { root: string; locs: string[]; lastmods: string[] }
  }

  it('lists every post and listing page with a lastmod', () => {
    const { body, type } = served('/sitemap.xml')
    expect(type).toBe('application/xml; charset=utf-8')
    const { root, locs, lastmods } = parseXml(body)
    expect(root).toBe('urlset')
    for (const p of postPaths()) expect(locs).toContain(`${ORIGIN}${p}`)
    for (const p of ['/', '/page/7/', '/tags/beta/', '/categories/feeds/page/2/', '/tags/', '/archives/']) expect(locs).toContain(`${ORIGIN}${p}`)
    expect(locs.some((l) => /\.(json|xml)$/.test(l))).toBe(false)
    expect(lastmods.length).toBe(locs.length)
    const i = locs.findIndex((l) => l.endsWith('/post-5/'))
    expect(lastmods[i]).toBe(entryOf(new URL(locs[i]!).pathname).updated)
  })

  it('splits into a sitemap index past 50,000 URLs', () => {
    const urls = Array.from({ length: SITEMAP_LIMIT + 1 }, (_, i) => ({ path: `/p/${i}/`, lastmod: '2021-01-01T00:00:00Z' }))
    const routes = sitemapRoutes(ORIGIN, urls, new Map(urls.map((u, i) => [u.path, 1_600_000_000 + i])))
    expect([...routes.keys()]).toEqual(['/sitemaps/1.xml', '/sitemaps/2.xml', '/sitemap.xml'])
    const index = parseXml(sitemap(routes.get('/sitemap.xml')!.record as SitemapRecord))
    expect(index.root).toBe('sitemapindex')
    expect(index.locs).toEqual([`${ORIGIN}/sitemaps/1.xml`, `${ORIGIN}/sitemaps/2.xml`])
    const parts = ['/sitemaps/1.xml', '/sitemaps/2.xml'].map((p) => parseXml(sitemap(routes.get(p)!.record as SitemapRecord)))
    expect(parts.map((p) => p.locs.length)).toEqual([SITEMAP_LIMIT, 1])
    expect(sitemapRoutes(ORIGIN, urls.slice(1), new Map()).size).toBe(1)
  })

  it('names the sitemap in robots.txt and lists every post in llms.txt', () => {
    const robots = renderDiscovery(site, recordOf<RobotsRecord>('/robots.txt'))
    expect(robots.type).toBe('text/plain; charset=utf-8')
    expect(robots.body).toMatch(/^User-agent: \*$/m)
    expect(robots.body).toMatch(new RegExp(`^Sitemap: ${ORIGIN}/sitemap.xml$`, 'm'))
    const llms = served('/llms.txt').body
    const lines = llms.split('\n')
    expect(lines[0]).toBe('# Feeds & <Tests>')
    expect(lines).toContain(`> A blog with ${POST_COUNT} posts`)
    const items = lines.filter((l) => l.startsWith('- [') && !l.includes('/llms-full.txt'))
    expect(items.length).toBe(POST_COUNT)
    expect(lines.slice(-4, -1)).toEqual(['## Optional', '', `- [Full text of every post](${ORIGIN}/llms-full.txt): Markdown, in pages`])
    for (const p of postPaths()) expect(items.filter((l) => l.includes(`](${ORIGIN}${p})`)).length).toBe(1)
    // A title never breaks out of its line or its link text.
    expect(llms).not.toMatch(/[\u0000-\u0009\u000B-\u001F]/)
  })
})

describe('feed ETags', () => {
  it('change only for the feed pages whose entries changed', async () => {
    const file = join(dir, 'posts', '2021-01-01-post-10.md')
    const source = await readFile(file, 'utf8')
    await writeFile(file, source.replace(/^title: .*$/m, 'title: "A new title for ten"'))
    try {
      const after = await build({ contentDir: dir, outDir: '', publicDir: '', now: new Date('2025-01-01T00:00:00Z') })
      const etag = (r: BuildResult, path: string) => r.manifest.routes[path]![1]
      const ten = postPaths().find((p) => indexOf(p) === 10)!
      const eleven = postPaths().find((p) => indexOf(p) === 11)!
      // Its neighbour's page shows the new title (previous/next links) ...
      expect(etag(after, eleven)).not.toBe(etag(result, eleven))
      // ... but the feeds that hold the neighbour and not post 10 keep their ETags, so readers keep getting 304s.
      expect(recordOf<FeedPageView>('/tags/beta/feed.xml').items).toContain(eleven)
      for (const path of ['/tags/beta/feed.xml', '/tags/beta/feed.json', '/feed.xml', '/feed.json', '/rss.xml']) expect(etag(after, path), path).toBe(etag(result, path))
      const holding = Object.keys(result.manifest.routes).filter((p) => /\.(xml|json)$/.test(p) && recordOf<RouteView>(p).kind === 'feed' && recordOf<FeedPageView>(p).items.includes(ten))
      // Page 2 of the home feed in three formats; JSON and Atom under tag alpha and category Feeds.
      expect(holding.length).toBe(7)
      for (const path of holding) expect(etag(after, path), path).not.toBe(etag(result, path))
    } finally {
      await writeFile(file, source)
    }
  })
})

describe('feeds of the shared fixture blog (Chinese titles, code-heavy posts)', () => {
  it('all parse in feedparser with no bozo flag', async () => {
    const shared = await build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW })
    const sharedSite = JSON.parse(refText(shared.blobs, shared.manifest.records.site!)!) as SiteRecord
    const paths = Object.keys(shared.manifest.routes).filter((p) => p.endsWith('.xml') && !p.startsWith('/sitemap'))
    const docs = paths.map((path) => {
      const feed = routeRecord<FeedPageView>(shared, path)
      const items = feed.items.map((p) => JSON.parse(refText(shared.blobs, shared.manifest.records[entryRecord(p)]!)!) as EntryRecord)
      return renderFeed(sharedSite, { ...feed, updated: feedUpdated(items) }, items).body
    })
    expect(paths).toEqual(expect.arrayContaining(['/feed.xml', '/rss.xml', '/tags/大模型/feed.xml', '/categories/南箕北斗集/feed.xml']))
    const parsed = feedparser(docs)
    parsed.forEach((p, i) => {
      expect(p.bozo, `${paths[i]}: ${p.exception}`).toBe(false)
      expect(p.entries.length).toBeGreaterThan(0)
    })
    const home = parsed[paths.indexOf('/feed.xml')]!
    expect(home.entries.map((e) => e.title)).toContain('DeepSeek，大国竞争，以及国运')
  })
})
