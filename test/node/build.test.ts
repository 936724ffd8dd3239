import { cp, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BuildErrors } from '../../scripts/pipeline/errors.ts'
import { BuildSession, build, buildToDisk, kvEntries } from '../../scripts/pipeline/index.ts'
import type { SearchBase } from '../../scripts/pipeline/search-index.ts'
import { blobFile } from '../../scripts/pipeline/write.ts'
import { blobKey, buildKey, metaRecord } from '../../src/shared/keys.ts'
import type { ListingRecord, Manifest, PostRecord } from '../../src/shared/schema.ts'
import type { SearchRecord } from '../../src/shared/search.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'
import { routeRecord } from './route-record.ts'

const tempDir = useTempDirs('kumo-build-')

const buildFixture = (options: { drafts?: boolean; contentDir?: string; searchBase?: SearchBase; session?: BuildSession; previous?: Manifest } = {}) =>
  build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW, ...options })

function record<T>(result: Awaited<ReturnType<typeof build>>, path: string): T {
  expect(result.manifest.routes[path], `route ${path}`).toBeDefined()
  return routeRecord<T>(result, path)
}

describe('build of the fixture blog', () => {
  it('puts the seed post at the URL Jekyll gives it, with its date on the site clock', async () => {
    const result = await buildFixture()
    const post = record<PostRecord>(result, '/2025/01/deepseek-ai/')
    expect(post.title).toBe('DeepSeek，大国竞争，以及国运')
    expect(post.date).toBe('2025-01-31T00:15:00+09:00')
    expect(post.day).toBe('2025-01-31')
    expect(post.categories).toEqual([{ name: '南箕北斗集', slug: '南箕北斗集' }])
    expect(post.tags.map((t) => t.name)).toEqual(['AI', '大模型', '国际关系', '算法'])
    expect(post.html).toContain('<a href="https://weibo.com/6603744955/PbpQT8pqY">在社交媒体上</a>')
  })

  it('lets the front-matter date decide the URL over the filename', async () => {
    const result = await buildFixture()
    expect(result.manifest.routes['/2024/04/midnight-in-tokyo/']).toBeDefined()
    expect(result.manifest.routes['/2024/03/midnight-in-tokyo/']).toBeUndefined()
  })

  it('pre-paginates listings and puts pinned posts first on the home page', async () => {
    const result = await buildFixture()
    const home = record<ListingRecord>(result, '/')
    const first = JSON.parse(result.blobs.get(result.manifest.records[metaRecord(home.items[0]!)]!)!)
    expect(first.pinned).toBe(true)
    expect(home.items).toHaveLength(2)
    expect(home.next).toBe('/page/2/')
    const pages = Object.keys(result.manifest.routes).filter((p) => /^\/page\/\d+\/$/.test(p))
    const total = home.total
    expect(pages.length).toBe(Math.ceil(total / 2) - 1)
  })

  it('gives names that differ only in case one tag page listing both spellings', async () => {
    const result = await buildFixture()
    const swift = record<ListingRecord>(result, '/tags/swift/')
    // Swift (pinned, concurrency notes) and swift (midnight) share /tags/swift/.
    expect(swift.total).toBe(3)
  })

  it('leaves out unpublished posts and drafts unless asked', async () => {
    const plain = await buildFixture()
    const paths = Object.keys(plain.manifest.routes)
    expect(paths.some((p) => p.includes('unpublished'))).toBe(false)
    expect(paths.some((p) => p.includes('a-draft'))).toBe(false)
    const drafts = await buildFixture({ drafts: true })
    expect(Object.keys(drafts.manifest.routes).some((p) => p.includes('unpublished'))).toBe(true)
    expect(Object.keys(drafts.manifest.routes).some((p) => p.includes('a-draft'))).toBe(true)
  })

  it('keeps future posts out of the base build and in the schedule, in time order', async () => {
    const result = await buildFixture()
    expect(result.manifest.routes['/2025/06/published-later/']).toBeUndefined()
    expect(result.manifest.schedule.map((s) => new Date(s.at).toISOString())).toEqual(['2025-06-01T03:00:00.000Z', '2098-12-31T15:00:00.000Z'])
    const step = result.manifest.schedule[0]!
    expect(step.routes['/2025/06/published-later/']).toBeDefined()
    expect(step.routes['/']).toBeDefined()
    expect(step.routes['/tags/ai/']).toBeUndefined()
    expect(result.summary.scheduled).toBe(2)
  })

  it('gives an unchanged page the same ETag and key on a rebuild, and a changed one new ones', async () => {
    const dir = await tempDir()
    await cp(FIXTURE_CONTENT, dir, { recursive: true })
    const a = await buildFixture({ contentDir: dir })
    const b = await buildFixture({ contentDir: dir })
    expect(b.manifest.buildId).toBe(a.manifest.buildId)
    const file = join(dir, 'posts', '2025-02-14-swift-concurrency-notes.md')
    await writeFile(file, `${await readFile(file, 'utf8')}\nOne more paragraph at the end.\n`)
    // Measured against the first build's search index, as a deploy measures against the live one.
    const c = await buildFixture({ contentDir: dir, searchBase: a.searchBase })
    const changed = '/2025/02/swift-concurrency-notes/'
    expect(c.manifest.routes[changed]![1]).not.toBe(a.manifest.routes[changed]![1])
    expect(c.manifest.routes['/2025/01/deepseek-ai/']).toEqual(a.manifest.routes['/2025/01/deepseek-ai/'])
    // The feed carries the body, so its ETag changes; its record (a list of paths) does not.
    expect(c.manifest.routes['/feed.json']![1]).not.toBe(a.manifest.routes['/feed.json']![1])
    expect(c.manifest.routes['/feed.json']![0]).toBe(a.manifest.routes['/feed.json']![0])
    // Only that post's record, its feed entry, its Markdown and the manifest are new: its links to neighbours
    // live in their own records, so the schedule epochs share one copy of the body.
    const old = new Set(kvEntries(a).map((x) => x.key))
    const fresh = kvEntries(c).filter((e) => !old.has(e.key))
    expect(fresh.at(-1)!.key).toBe(buildKey(c.manifest.buildId))
    const all = fresh.slice(0, -1).map((e) => JSON.parse(e.value) as PostRecord | SearchRecord)
    const blobs = all.filter((b): b is PostRecord => !b.kind.startsWith('search-'))
    expect(c.manifest.schedule.length).toBeGreaterThan(0)
    expect(blobs).toHaveLength(3)
    expect(new Set(blobs.map((b) => `${b.kind} ${b.path}`))).toEqual(new Set([`post ${changed}`, `entry ${changed}`, `markdown ${changed}`]))
    // The search index changes by one record: its delta, which now holds that post.
    expect(all.filter((b) => b.kind.startsWith('search-')).map((b) => b.kind)).toEqual(['search-delta'])
  })

  it('rebuilds through a session exactly as a fresh build does, reusing every unchanged post', async () => {
    const dir = await tempDir()
    await cp(FIXTURE_CONTENT, dir, { recursive: true })
    const session = new BuildSession()
    const a = await buildFixture({ contentDir: dir, session })
    const file = join(dir, 'posts', '2025-02-14-swift-concurrency-notes.md')
    await writeFile(file, (await readFile(file, 'utf8')).replace('title: "', 'title: "Edited — '))
    const again = await buildFixture({ contentDir: dir, session })
    // A fresh build measured against the same build before: the session's search base and its dates.
    const fresh = await buildFixture({ contentDir: dir, searchBase: a.searchBase, previous: a.manifest })
    expect(again.manifest).toEqual(fresh.manifest)
    expect(again.summary.cached).toBe(a.summary.cached + session.posts.size - 1)
    expect(record<PostRecord>(again, '/2025/02/swift-concurrency-notes/').title).toMatch(/^Edited —/)
  })

  it('writes each blob once, content-addressed, then the manifest, and drops blobs no longer used', async () => {
    const out = await tempDir()
    const dir = await tempDir()
    await cp(FIXTURE_CONTENT, dir, { recursive: true })
    const options = { contentDir: dir, outDir: join(out, 'dist'), publicDir: join(out, 'public'), now: FIXTURE_NOW }
    const result = await buildToDisk(options)
    expect(JSON.parse(await readFile(join(out, 'dist', 'manifest.json'), 'utf8'))).toEqual(result.manifest)
    for (const [hash, json] of result.blobs) expect(await readFile(blobFile(join(out, 'dist', 'blobs'), hash), 'utf8')).toBe(json)
    const seed = result.manifest.routes['/2025/01/deepseek-ai/']![0]
    const swift = result.manifest.routes['/2025/02/swift-concurrency-notes/']![0]
    const unchanged = (await stat(blobFile(join(out, 'dist', 'blobs'), seed))).mtimeMs
    const file = join(dir, 'posts', '2025-02-14-swift-concurrency-notes.md')
    await writeFile(file, `${await readFile(file, 'utf8')}\nOne more paragraph.\n`)
    const next = await buildToDisk(options)
    // The unchanged post's file is not rewritten; the edited post's old record is gone.
    expect((await stat(blobFile(join(out, 'dist', 'blobs'), seed))).mtimeMs).toBe(unchanged)
    await expect(stat(blobFile(join(out, 'dist', 'blobs'), swift))).rejects.toThrow(/ENOENT/)
    const onDisk = (await readdir(join(out, 'dist', 'blobs'), { recursive: true })).filter((f) => f.endsWith('.json'))
    expect(onDisk).toHaveLength(next.blobs.size)
    expect(await readdir(join(out, 'public', 'assets', 'img'))).toEqual(['edge-request.svg'])
    expect((await readdir(join(out, 'public', '_kumo')))[0]).toMatch(/^style\.[0-9a-f]{10}\.css$/)
  })
})

it('carries earlier stylesheets into a new output, for pages still cached from the previous build', async () => {
  const out = await tempDir()
  const options = { contentDir: FIXTURE_CONTENT, outDir: join(out, 'dist'), publicDir: join(out, 'public'), now: FIXTURE_NOW }
  await buildToDisk(options)
  await writeFile(join(out, 'public', '_kumo', 'style.0123456789.css'), 'body{}')
  await writeFile(join(out, 'public', '_kumo', 'notes.txt'), 'not a stylesheet')
  await buildToDisk(options)
  const sheets = await readdir(join(out, 'public', '_kumo'))
  expect(sheets).toContain('style.0123456789.css')
  expect(sheets).not.toContain('notes.txt')
  expect(sheets).toHaveLength(2)
})

it('answers redirect_from paths of posts and pages with the post or page, as jekyll-redirect-from does', async () => {
  const dir = await tempDir()
  await cp(FIXTURE_CONTENT, dir, { recursive: true })
  await writeFile(join(dir, 'posts', '2024-02-01-moved.md'), '---\ntitle: Moved\nredirect_from:\n  - /2024/02/01/moved/\n---\nText.\n')
  await writeFile(join(dir, 'pages', 'cn-note.md'), '---\ntitle: 笔记\npermalink: /cn/note/\nredirect_from: [/2021/04/20/note/, /old-note.html, /resume]\n---\n正文。\n')
  const { manifest } = await build({ contentDir: dir, outDir: '', publicDir: '', now: FIXTURE_NOW })
  expect(manifest.redirects['/2024/02/01/moved/']).toBe('/2024/02/moved/')
  expect(manifest.redirects['/2021/04/20/note/']).toBe('/cn/note/')
  expect(manifest.redirects['/old-note.html']).toBe('/cn/note/')
  // jekyll-redirect-from wrote resume.html for /resume: both answer.
  expect(manifest.redirects['/resume']).toBe('/cn/note/')
  expect(manifest.redirects['/resume.html']).toBe('/cn/note/')
})

it("answers a static folder's URL with one 301 to its index.html, as GitHub Pages serves it", async () => {
  const dir = await tempDir()
  await cp(FIXTURE_CONTENT, dir, { recursive: true })
  await mkdir(join(dir, 'static', 'doc', 'deep'), { recursive: true })
  await writeFile(join(dir, 'static', 'doc', 'index.html'), '<!doctype html><title>Doc</title>')
  await writeFile(join(dir, 'static', 'doc', 'deep', 'index.html'), '<!doctype html><title>Deep</title>')
  const { manifest } = await build({ contentDir: dir, outDir: '', publicDir: '', now: FIXTURE_NOW })
  expect(manifest.redirects['/doc/']).toBe('/doc/index.html')
  expect(manifest.redirects['/doc/deep/']).toBe('/doc/deep/index.html')
})

it('answers the .html file Jekyll wrote for an extensionless permalink with one 301 to the permalink', async () => {
  const dir = await tempDir()
  await cp(FIXTURE_CONTENT, dir, { recursive: true })
  await writeFile(join(dir, 'posts', '2021-03-10-results.md'), '---\ntitle: R\npermalink: /posts/03_10_2021_results\n---\nText.\n')
  const { manifest } = await build({ contentDir: dir, outDir: '', publicDir: '', now: FIXTURE_NOW })
  expect(manifest.routes['/posts/03_10_2021_results']).toBeDefined()
  expect(manifest.redirects['/posts/03_10_2021_results.html']).toBe('/posts/03_10_2021_results')
  // Paths with a slash or an extension of their own get none.
  expect(Object.keys(manifest.redirects).filter((p) => p.endsWith('/.html') || p.endsWith('.html.html'))).toEqual([])
})

describe('bad input stops the build and writes nothing', () => {
  async function brokenCopy(name: string, text: string | Uint8Array): Promise<string> {
    const dir = await tempDir()
    await cp(FIXTURE_CONTENT, dir, { recursive: true })
    await writeFile(join(dir, 'posts', name), text)
    return dir
  }

  async function failure(contentDir: string): Promise<string> {
    const out = await tempDir()
    await writeFile(join(out, 'marker'), 'previous output')
    const error = await buildToDisk({ contentDir, outDir: join(out, 'dist'), publicDir: join(out, 'public'), now: FIXTURE_NOW }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(BuildErrors)
    expect(await readdir(out)).toEqual(['marker'])
    return (error as Error).message
  }

  it.each([
    ['2025-01-01-yaml.md', '---\ntitle: [unclosed\n---\n', /^posts\/2025-01-01-yaml\.md:2: front matter is not valid YAML/],
    ['2025-01-01-notitle.md', '---\ndate: 2025-01-01\n---\n', /^posts\/2025-01-01-notitle\.md:1: `title` is missing/],
    ['no-date.md', '---\ntitle: T\n---\n', /^posts\/no-date\.md:1: missing date/],
    // Ruby rolls 2025-02-30 over to 2 March, as Jekyll does; the 32nd it refuses.
    ['2025-01-01-baddate.md', '---\ntitle: T\ndate: 2025-02-32\n---\n', /^posts\/2025-01-01-baddate\.md:3: `date` "2025-02-32" is not a date Jekyll can read/],
    ['2025-01-01-empty.md', '', /^posts\/2025-01-01-empty\.md: the file is empty/],
    ['2025-01-01-open.md', '---\ntitle: T\n', /^posts\/2025-01-01-open\.md:1: the front matter opened here is never closed/],
    ['2025-01-01-latin1.md', new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0xe9, 0x0a]), /^posts\/2025-01-01-latin1\.md: is not valid UTF-8/],
  ])('%s', async (name, text, message) => {
    expect(await failure(await brokenCopy(name, text))).toMatch(message)
  })

  it('two posts at one URL, naming both files', async () => {
    const dir = await brokenCopy('2025-01-20-deepseek-ai.md', '---\ntitle: Copy\n---\nsame URL')
    const message = await failure(dir)
    expect(message).toContain('posts/2025-01-31-deepseek-ai.md')
    expect(message).toContain('posts/2025-01-20-deepseek-ai.md')
    expect(message).toContain('/2025/01/deepseek-ai/')
  })

  it('reports every bad file at once', async () => {
    const dir = await brokenCopy('2025-01-01-a.md', '')
    await writeFile(join(dir, 'posts', '2025-01-01-b.md'), '---\ndate: 2025-01-01\n---\n')
    const message = await failure(dir)
    expect(message.split('\n')).toHaveLength(2)
  })
})
