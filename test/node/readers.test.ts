// Real feed readers against a 1,000-post generated blog served by `wrangler
// dev` on loopback, offline: Debian's python3-feedparser and newsboat read
// every Atom and RSS page, feedsmith and feedme (two JSON Feed parsers from
// npm) every JSON Feed page. Long posts are mixed in, so pages are cut by
// size, and two posts are longer than a page. The same server shows what
// goes over the wire: compressed bodies that decode to the identity body.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile, readFile, mkdir } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import FeedMe from 'feedme'
import { parseJsonFeed } from 'feedsmith'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateCorpus } from '../../scripts/bench/corpus.ts'
import { build, type BuildResult } from '../../scripts/pipeline/index.ts'
import { startLocalServer, type LocalServer } from '../../scripts/local-server.ts'
import { strings } from '../../src/shared/i18n.ts'
import { FEED_PAGE_BYTES, LLMS_FULL_PAGE_BYTES } from '../../src/shared/paging.ts'
import { href, isFeedPath } from '../../src/shared/paths.ts'

const POSTS = 1000
const LONG = 12 // ~90 KB of HTML each: pages of fewer entries
const HUGE = 2 // longer than a feed page: summary + link
let dir: string
let server: LocalServer
let result: BuildResult
/** Every feed page path, by series (the page-1 path of each scope and format). */
const series = new Map<string, string[]>()
const bodies = new Map<string, string>()

/** A long post: `n` sections of prose and code, tagged so it lands in a tag feed. */
function longPost(i: number, sections: number): string {
  const section = (s: number) => `## Part ${s}\n\n${'A long paragraph that keeps going, with enough words to weigh. '.repeat(12)}\n\n\`\`\`ts\nconst value${s} = await fetch(\`/api/\${id}\`).then((r) => r.json()) // ${'x'.repeat(40)}\n\`\`\`\n`
  return `---\ntitle: "Long post ${i}"\ndate: 2025-0${1 + (i % 9)}-${String(1 + i).padStart(2, '0')} 10:00:00 +08:00\ntags: [Long, Swift]\nauthor: Guest Writer ${i}\nimage: /assets/img/long-${i}.png\n---\n\nIntro of long post ${i}.\n\n${Array.from({ length: sections }, (_, s) => section(s)).join('\n')}`
}

/** GET without decoding: the bytes as sent, and the headers. */
function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${href(path)}`, { headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (d: Buffer) => parts.push(d))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }))
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kumo-readers-'))
  await generateCorpus(dir, POSTS)
  for (let i = 0; i < LONG + HUGE; i++) await writeFile(join(dir, 'posts', `2025-01-01-long-${i}.md`), longPost(i, i < LONG ? 60 : 240))
  const site = join(dir, 'site.yml')
  await writeFile(site, `${await readFile(site, 'utf8')}avatar: /assets/img/me.png\nhub: https://hub.example/\n`)
  result = await build({ contentDir: dir, outDir: '', publicDir: '', now: new Date('2026-01-01T00:00:00Z') })
  const publicDir = join(dir, 'public')
  await mkdir(publicDir, { recursive: true })
  server = await startLocalServer(result, publicDir)
  for (const path of Object.keys(result.manifest.routes).filter(isFeedPath)) {
    const first = path.replace(/\/(feed|rss)\/page\/\d+\.(xml|json)$/, '/$1.$2')
    series.set(first, [...(series.get(first) ?? []), path])
  }
  // Every page, identity-encoded: what the parsers below read and what compression must give back.
  const paths = [...series.values()].flat()
  for (let i = 0; i < paths.length; i += 16) {
    await Promise.all(
      paths.slice(i, i + 16).map(async (p) => {
        const res = await raw(p)
        expect(res.status, p).toBe(200)
        bodies.set(p, res.body.toString('utf8'))
      }),
    )
  }
}, 600_000)

afterAll(async () => {
  await server?.stop()
  await rm(dir, { recursive: true, force: true })
})

const format = (path: string) => (path.endsWith('.json') ? 'json' : path.includes('rss') ? 'rss' : 'atom')
const pagesOf = (f: 'json' | 'atom' | 'rss') => [...series.entries()].filter(([first]) => format(first) === f)
const postCount = (first: string) => {
  const home = first === '/feed.json' || first === '/feed.xml' || first === '/rss.xml'
  return home ? POSTS + LONG + HUGE : undefined
}

describe('a 1,000-post blog with long posts, over HTTP from wrangler dev', { timeout: 600_000 }, () => {
  it('keeps every feed page under the size bound, and a page of long posts shorter', () => {
    expect(bodies.size).toBeGreaterThan(300)
    for (const [path, body] of bodies) expect(Buffer.byteLength(body), path).toBeLessThan(FEED_PAGE_BYTES)
    const counts = series.get('/tags/long/feed.xml')!.map((p) => (bodies.get(p)!.match(/<entry /g) ?? []).length)
    expect(Math.max(...counts)).toBeLessThan(20)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(LONG + HUGE)
  })

  it('carries a post longer than a page as its summary and a link', () => {
    const atom = series.get('/tags/long/feed.xml')!.map((p) => bodies.get(p)!).join('')
    const huge = atom.split('<entry ').filter((e) => /Long post 1[23]</.test(e))
    expect(huge).toHaveLength(HUGE)
    // The summary and the link, in the post's language, and none of the body.
    for (const e of huge) {
      expect(e).toContain(strings('zh-CN').readWhole)
      expect(e).not.toContain('## Part')
      expect(e).not.toContain('A long paragraph that keeps going')
    }
  })

  it('compresses every text response on the wire (curl --compressed -sI): Content-Encoding and Vary', () => {
    const post = Object.keys(result.manifest.records).find((k) => k.startsWith('meta:'))!.slice('meta:'.length)
    for (const path of ['/feed.xml', '/feed.json', '/tags/swift/feed.xml', post, '/api/posts', '/llms-full.txt', `${post}index.md`]) {
      const head = execFileSync('curl', ['--compressed', '-sI', `${server.url}${href(path)}`], { encoding: 'utf8' })
      expect(head, path).toMatch(/^HTTP\/1\.1 200/)
      expect(head, path).toMatch(/^content-encoding: (br|gzip)\r?$/im)
      expect(head, path).toMatch(/^vary: .*accept-encoding/im)
    }
  })

  it('sends gzip and brotli bodies that decode to the identity body, with their own ETags', async () => {
    for (const path of ['/feed.xml', '/feed.json', '/rss.xml', series.get('/tags/long/feed.json')![0]!]) {
      const identity = bodies.get(path)!
      const gz = await raw(path, { 'Accept-Encoding': 'gzip' })
      expect(gz.headers['content-encoding']).toBe('gzip')
      expect(gunzipSync(gz.body).toString('utf8')).toBe(identity)
      const br = await raw(path, { 'Accept-Encoding': 'br, gzip' })
      expect(br.headers['content-encoding']).toBe('br')
      expect(brotliDecompressSync(br.body).toString('utf8')).toBe(identity)
      expect(br.body.length).toBeLessThan(identity.length / 3)
      expect(new Set([gz.headers.etag, br.headers.etag]).size).toBe(2)
      // A client holding the gzip form revalidates with its own tag.
      expect((await raw(path, { 'Accept-Encoding': 'gzip', 'If-None-Match': String(gz.headers.etag) })).status).toBe(304)
    }
  })

  it('advertises the hub over HTTP on every feed, 200 and 304 alike', async () => {
    const res = await raw('/tags/swift/feed.json')
    expect(res.headers.link).toBe(`<https://hub.example/>; rel="hub", <https://bench.example/tags/swift/feed.json>; rel="self"`)
    const again = await raw('/tags/swift/feed.json', { 'If-None-Match': String(res.headers.etag) })
    expect(again.status).toBe(304)
    expect(again.headers.link).toBe(res.headers.link)
  })

  it('feedparser reads every Atom and RSS page: no errors, every post exactly once per feed, with its author', () => {
    const urls = [...pagesOf('atom'), ...pagesOf('rss')].flatMap(([, pages]) => pages.map((p) => `${server.url}${href(p)}`))
    const script = `
import sys, json, feedparser
out = {}
for url in json.load(sys.stdin):
    d = feedparser.parse(url)
    out[url] = {'bozo': bool(d.bozo), 'exception': str(d.get('bozo_exception', '')), 'status': d.get('status'),
                'ids': [e.get('id') for e in d.entries], 'authors': [e.get('author') for e in d.entries],
                'encoding': d.get('headers', {}).get('content-encoding')}
print(json.dumps(out))`
    const run = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(urls), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    expect(run.status, run.stderr).toBe(0)
    const parsed = JSON.parse(run.stdout) as Record<string, { bozo: boolean; exception: string; status: number; ids: string[]; authors: string[]; encoding: string }>
    for (const [first, pages] of [...pagesOf('atom'), ...pagesOf('rss')]) {
      const ids: string[] = []
      for (const page of pages) {
        const p = parsed[`${server.url}${href(page)}`]!
        expect(p.bozo, `${page}: ${p.exception}`).toBe(false)
        expect(p.status).toBe(200)
        // feedparser asks for gzip and gets it.
        expect(p.encoding).toMatch(/gzip|br/)
        expect(p.authors.every((a) => typeof a === 'string' && a.length > 0), page).toBe(true)
        ids.push(...p.ids)
      }
      expect(new Set(ids).size, first).toBe(ids.length)
      if (postCount(first)) expect(ids.length, first).toBe(postCount(first))
    }
  })

  it('newsboat reloads every Atom and RSS page with no error, and stores every post of the home feeds', async () => {
    const url = (p: string) => `${server.url}${href(p)}`
    /** One `newsboat -x reload` in a cache of its own: its error log, and the distinct items it stored. */
    const reload = async (name: string, paths: string[]) => {
      const home = join(dir, `newsboat-${name}`)
      await mkdir(home, { recursive: true })
      await writeFile(join(home, 'urls'), `${paths.map(url).join('\n')}\n`)
      await writeFile(join(home, 'config'), `error-log "${join(home, 'error.log')}"\nreload-threads 4\n`)
      const run = spawnSync('newsboat', ['-u', join(home, 'urls'), '-c', join(home, 'cache.db'), '-C', join(home, 'config'), '-x', 'reload'], { env: { ...process.env, HOME: home }, encoding: 'utf8', timeout: 300_000 })
      expect(run.status, run.stderr).toBe(0)
      const errors = await readFile(join(home, 'error.log'), 'utf8').catch(() => '')
      // newsboat keeps one row per guid, whichever feed it came from: count them all.
      const items = execFileSync('/usr/bin/python3', ['-c', `import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(distinct guid), count(distinct feedurl) from rss_item').fetchone())`, join(home, 'cache.db')], { encoding: 'utf8' })
      const [guids, feeds] = items.replace(/[()\s]/g, '').split(',').map(Number) as [number, number]
      return { errors, guids, feeds }
    }
    const all = await reload('all', [...pagesOf('atom'), ...pagesOf('rss')].flatMap(([, p]) => p))
    expect(all.errors).toBe('')
    expect(all.guids).toBe(POSTS + LONG + HUGE)
    for (const first of ['/feed.xml', '/rss.xml']) {
      const one = await reload(first.replace(/\W/g, ''), series.get(first)!)
      expect(one.errors, first).toBe('')
      expect(one.guids, first).toBe(POSTS + LONG + HUGE)
      expect(one.feeds, first).toBe(series.get(first)!.length)
    }
  })

  it('feedsmith and feedme read every JSON Feed page: no errors, every post exactly once, each with authors', async () => {
    for (const [first, pages] of pagesOf('json')) {
      const ids: string[] = []
      for (const page of pages) {
        const body = bodies.get(page)!
        const strict = parseJsonFeed(body)
        expect(strict.items?.length, page).toBeGreaterThan(0)
        for (const item of strict.items ?? []) expect(item.authors?.[0]?.name, page).toBeTruthy()
        const loose = await new Promise<{ items: Array<{ id: string }> }>((resolve, reject) => {
          const parser = new FeedMe(true)
          parser.on('error', reject)
          parser.on('finish', () => resolve(parser.done() as unknown as { items: Array<{ id: string }> }))
          parser.write(body)
          parser.end()
        })
        expect(loose.items.map((i) => i.id)).toEqual(strict.items!.map((i) => i.id))
        ids.push(...strict.items!.map((i) => i.id!))
        // Following next_url, as the spec's pagination section says, reaches the next page of the series.
        const next = (JSON.parse(body) as { next_url?: string }).next_url
        const at = pages.indexOf(page)
        if (at < pages.length - 1) expect(decodeURI(new URL(next!).pathname)).toBe(pages[at + 1])
        else expect(next).toBeUndefined()
      }
      expect(new Set(ids).size, first).toBe(ids.length)
      if (postCount(first)) expect(ids.length, first).toBe(postCount(first))
    }
  })

  it('/llms-full.txt: pages under their bound that together hold every post once', async () => {
    const seen: string[] = []
    let path: string | undefined = '/llms-full.txt'
    let pages = 0
    while (path) {
      const res = await raw(path)
      expect(res.status, path).toBe(200)
      const text = res.body.toString('utf8')
      expect(res.body.length, path).toBeLessThan(LLMS_FULL_PAGE_BYTES)
      seen.push(...[...text.matchAll(/^- URL: (\S+)$/gm)].map((m) => m[1]!))
      const next = /^Next page: (\S+)$/m.exec(text)?.[1]
      path = next ? decodeURI(new URL(next).pathname) : undefined
      pages++
    }
    expect(pages).toBeGreaterThan(1)
    expect(seen).toHaveLength(POSTS + LONG + HUGE)
    expect(new Set(seen).size).toBe(seen.length)
  })
})
