// The content-hash cache: an unchanged rebuild reuses every parse + render and
// produces the same output; an edited file alone is rendered again.
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { refText } from '../../src/shared/packs.ts'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BuildSession, build } from '../../scripts/pipeline/index.ts'
import { RenderCache, decodeEntry, encodeEntry, packEntries, rendererVersion } from '../../scripts/pipeline/cache.ts'
import { config } from '../../scripts/pipeline/config.ts'
import { readAll, settle } from '../../scripts/pipeline/read.ts'
import { discover } from '../../scripts/pipeline/sources.ts'
import { entryRecord, linksRecord } from '../../src/shared/keys.ts'
import type { EntryRecord, PostLinksRecord, PostView } from '../../src/shared/schema.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-cache-')

async function setup() {
  const root = await tempDir()
  const contentDir = join(root, 'content')
  await cp(FIXTURE_CONTENT, contentDir, { recursive: true })
  const cacheDir = join(root, 'cache')
  const run = (session?: BuildSession) => build({ contentDir, outDir: '', publicDir: '', now: FIXTURE_NOW, cacheDir, session })
  const lines = async () => {
    const packs = (await readdir(cacheDir)).filter((f) => f.endsWith('.ndjson'))
    const texts = await Promise.all(packs.map((f) => readFile(join(cacheDir, f), 'utf16le')))
    return texts.flatMap((text) => packEntries(text).map(([key, entry]) => `${key} ${entry}`))
  }
  // Entries for source files (a rendered post or page names its source); the rest are
  // values derived from posts (feed HTML, search analysis), kept the same way.
  const isFile = (line: string) => {
    const value = decodeEntry(line.slice(65))
    return typeof value === 'object' && value !== null && 'source' in value
  }
  const entries = async () => (await lines()).filter(isFile).length
  const derived = async () => (await lines()).length - (await entries())
  return { contentDir, run, entries, derived, lines }
}

describe('content-hash cache', () => {
  it('reuses every file on an unchanged rebuild, with identical output', async () => {
    const { run, entries, derived } = await setup()
    const cold = await run()
    expect(cold.summary.cached).toBe(0)
    const files = await entries()
    expect(files).toBeGreaterThan(5)
    // Each published post also keeps its feed HTML and its search analysis, as a summary and its terms.
    expect(await derived()).toBe(3 * cold.summary.posts + 3 * cold.summary.scheduled)
    const warm = await run()
    expect(warm.summary.cached).toBe(files)
    expect(warm.manifest.routes).toEqual(cold.manifest.routes)
    expect([...warm.blobs]).toEqual([...cold.blobs])
  })

  it('renders an edited post again and reuses the rest', async () => {
    const { contentDir, run, entries } = await setup()
    await run()
    const files = await entries()
    const file = join(contentDir, 'posts', '2025-01-31-deepseek-ai.md')
    await writeFile(file, `${await readFile(file, 'utf8')}\nAn edited line.\n`)
    const result = await run()
    expect(result.summary.cached).toBe(files - 1)
    const post = JSON.parse(refText(result.blobs, result.manifest.routes['/2025/01/deepseek-ai/']![0])!) as PostView
    expect(post.html).toContain('An edited line.')
    expect(await entries()).toBe(files) // the stale entry was pruned
  })

  it('drops entries of deleted files', async () => {
    const { contentDir, run, entries } = await setup()
    await run()
    const files = await entries()
    await rm(join(contentDir, 'posts', '2025-01-31-deepseek-ai.md'))
    await run()
    expect(await entries()).toBe(files - 1)
  })

  it('keeps on disk what a session reused from memory, so the next process starts warm', async () => {
    const { contentDir, run, entries, lines } = await setup()
    const session = new BuildSession()
    await run(session)
    const files = await entries()
    const before = new Set(await lines())
    // Rebuilds in one process: the cache is read once, posts come from memory.
    expect((await run(session)).summary.cached).toBe(files)
    const file = join(contentDir, 'posts', '2025-01-31-deepseek-ai.md')
    await writeFile(file, `${await readFile(file, 'utf8')}\nAn edited line.\n`)
    expect((await run(session)).summary.cached).toBe(files - 1)
    // The disk cache lost only the edited post's entries (its file, feed HTML, search summary and terms) and gained their new ones.
    const after = await lines()
    expect(after).toHaveLength(before.size)
    expect(after.filter((l) => !before.has(l))).toHaveLength(4)
    // A new process (no session) finds every file in the cache.
    expect((await run()).summary.cached).toBe(files)
  })

  it("takes a post's feed HTML and search words from its links as they resolve now, though its own file is unchanged", async () => {
    const root = await tempDir()
    const contentDir = join(root, 'content')
    const cacheDir = join(root, 'cache')
    await mkdir(join(contentDir, 'posts'), { recursive: true })
    await writeFile(join(contentDir, 'site.yml'), 'title: Links\nurl: https://links.example\ntimezone: UTC\n')
    const target = (permalink: string) => `---\ntitle: Target\npermalink: ${permalink}\n---\n\nThe target.\n`
    await writeFile(join(contentDir, 'posts', '2024-01-01-target.md'), target('/first-place/'))
    await writeFile(join(contentDir, 'posts', '2024-02-01-linker.md'), '---\ntitle: Linker\n---\n\nSee [the target]({% post_url 2024-01-01-target %}).\n')
    const run = () => build({ contentDir, outDir: '', publicDir: '', now: FIXTURE_NOW, cacheDir })
    const linkerEntry = async () => {
      const result = await run()
      const path = Object.keys(result.manifest.routes).find((p) => p.includes('linker'))!
      return JSON.parse(refText(result.blobs, result.manifest.records[entryRecord(path)]!)!) as EntryRecord
    }
    expect((await linkerEntry()).html).toContain('href="https://links.example/first-place/"')
    // Only the target's file changes; the linker's comes from the cache, as read, then links again.
    await writeFile(join(contentDir, 'posts', '2024-01-01-target.md'), target('/second-place/'))
    const html = (await linkerEntry()).html
    expect(html).toContain('href="https://links.example/second-place/"')
    expect(html).not.toContain('first-place')
  })

  it('lets a new process find unchanged files by their stamps, without reading them, and reads what changed or lost its stamp', async () => {
    const { contentDir, run } = await setup()
    const cacheDir = join(contentDir, '..', 'cache')
    await run()
    // What a new process's read stage does: a fresh session, the cache as the last build left it.
    const readNow = async () => {
      const found = await discover(contentDir, false)
      const input = { contentDir, found, site: await config(contentDir), nowMs: FIXTURE_NOW.getTime(), session: new BuildSession(), cache: await RenderCache.open(cacheDir), renderer: await rendererVersion(), progress: () => {} }
      const read = await readAll(input)
      // Until settled, a kept file's entry is only found, not parsed: its slot is empty.
      expect(read.slots.filter(Boolean)).toHaveLength(read.cached)
      expect(await settle(read, input)).toEqual([])
      return { found, read }
    }
    const first = await readNow()
    expect(first.read.fresh).toEqual([])
    expect(first.read.cached).toBe(first.found.length)
    const file = join(contentDir, 'posts', '2025-01-31-deepseek-ai.md')
    await writeFile(file, `${await readFile(file, 'utf8')}\nAn edited line.\n`)
    expect((await readNow()).read.fresh).toEqual([{ kind: 'post', path: 'posts/2025-01-31-deepseek-ai.md' }])
    await run()
    expect((await readNow()).read.fresh).toEqual([])
    // A damaged record is no record: every file is read, and the build is as before.
    await writeFile(join(cacheDir, 'read-stamps.json'), '{"v":1,"salt":')
    const damaged = await readNow()
    expect(damaged.read.fresh).toHaveLength(damaged.found.length)
    expect((await run()).summary.cached).toBe(damaged.found.length)
  })

  it('renders again, to the same build, a file whose cache entry is found by its stamp but does not parse', async () => {
    const { contentDir, run } = await setup()
    const cacheDir = join(contentDir, '..', 'cache')
    const cold = await run()
    const warm = await run()
    const stamps = JSON.parse(await readFile(join(cacheDir, 'read-stamps.json'), 'utf8')) as { files: Record<string, [string, string]> }
    const [file, [, key]] = Object.entries(stamps.files).find(([f]) => f.endsWith('2025-01-31-deepseek-ai.md'))!
    expect(file).toBeDefined()
    const pack = join(cacheDir, `pack-${key.slice(0, 2)}.ndjson`)
    const text = await readFile(pack, 'utf16le')
    // A post's entry: its lengths, then its JSON, which no longer parses (same length, so the pack's other entries stand).
    const head = new RegExp(`${key} ~[\\d,-]+;\\{`)
    expect(text).toMatch(head)
    await writeFile(pack, Buffer.from(text.replace(head, (m) => `${m.slice(0, -1)}}`), 'utf16le'))
    const again = await run()
    expect(again.summary.cached).toBe(warm.summary.cached - 1)
    expect(again.manifest.buildId).toBe(cold.manifest.buildId)
    // A pack lost (a save that failed part way): the files whose entries it held are read and rendered again.
    await rm(pack)
    const lost = await run()
    expect(lost.summary.cached).toBeLessThan(warm.summary.cached)
    expect(lost.manifest.buildId).toBe(cold.manifest.buildId)
  })

  it("keeps a post's HTML and Markdown beside its JSON, and reads every entry of a pack back as it was", () => {
    const post = { title: 'T', html: '<p class="a">one\ntwo</p>\n', n: 1, markdown: 'one\n\ntwo ~;\n', tags: ['x'] }
    const page = { title: 'P', html: '<p>p</p>' }
    const text = encodeEntry(post)
    expect(text).toMatch(/^~\d+,\d+,\d+;\{"title":"T","html":0,"n":1,"markdown":0/)
    expect(text.endsWith(`${post.html}${post.markdown}`)).toBe(true)
    // The keys come back in their order, so a record spread from a cached post is the JSON of a rendered one.
    expect(JSON.stringify(decodeEntry(text))).toBe(JSON.stringify(post))
    expect(decodeEntry(encodeEntry(page))).toEqual(page)
    expect(encodeEntry(['a', 'b'])).toBe('["a","b"]')
    expect(encodeEntry({ html: 3 })).toBe('{"html":3}')
    const key = (c: string) => c.repeat(64)
    const pack = [`${key('a')} ${text}`, `${key('b')} {"x":1}`, 'an older line', `${key('c')} ${encodeEntry(page)}`].join('\n') + '\n'
    expect(packEntries(pack).map(([k, e]) => [k[0], decodeEntry(e)])).toEqual([['a', post], ['b', { x: 1 }], ['c', page]])
    // Lengths that overrun the text end the pack there; a damaged JSON is a throw (a miss), its neighbours stand.
    expect(packEntries(`${key('b')} {"x":1}\n${key('a')} ${text.slice(0, -2)}`).map(([k]) => k[0])).toEqual(['b'])
    expect(() => decodeEntry(text.replace(';{', ';}'))).toThrow(SyntaxError)
    expect(() => decodeEntry(`${text}x`)).toThrow(SyntaxError)
  })

  it("keeps search terms apart, read only when asked for, and leaves a pack of them nobody asked for as it was", async () => {
    const dir = await tempDir()
    const first = await RenderCache.open(dir)
    const [a, b] = [first.sideKey(first.key('a')), first.sideKey(first.key('b'))]
    first.set(first.key('post'), { html: '<p>x</p>' })
    first.lazyText(a, () => ['unused'], ['a'])
    first.lazyText(b, () => ['unused'], ['b'])
    await first.save()
    const names = (await readdir(dir)).filter((n) => n.startsWith('pack-')).sort()
    const side = (key: string) => `pack-t-${key.slice(1, 3)}.ndjson`
    expect(names).toEqual(expect.arrayContaining([side(a), side(b), `pack-${first.key('post').slice(0, 2)}.ndjson`]))
    expect(packEntries(await readFile(join(dir, side(a)), 'utf16le')).map(([k]) => k)).toContain(a.slice(1))
    // A new process: every main pack read, no pack of terms; `a` is read when asked for, `b` never.
    const second = await RenderCache.open(dir)
    second.ensureAll()
    let computed = 0
    const askA = second.lazyText(a, () => (computed++, ['again']))
    second.lazyText(b, () => (computed++, ['again']))
    const before = await readFile(join(dir, side(b)))
    expect(JSON.parse(askA())).toEqual(['a'])
    expect(computed).toBe(0)
    await second.save()
    expect(await readFile(join(dir, side(b)))).toEqual(before)
    // Asked for after its pack went (a save that failed part way): computed, not lost.
    const third = await RenderCache.open(dir)
    const askB = third.lazyText(b, () => (computed++, ['again']))
    third.ensureAll()
    await rm(join(dir, side(b)))
    expect(JSON.parse(askB())).toEqual(['again'])
    expect(computed).toBe(1)
    // And after release() (a CLI build past its save), from the pack as the save left it.
    const fourth = await RenderCache.open(dir)
    const askA2 = fourth.lazyText(a, () => (computed++, ['again']))
    await fourth.save()
    fourth.release()
    expect(JSON.parse(askA2())).toEqual(['a'])
    expect(computed).toBe(1)
  })

  it('keeps related-post lists across processes while every post keeps its path, title, date and tags', async () => {
    const { contentDir, run } = await setup()
    const file = join(contentDir, '..', 'cache', 'related.json')
    await run()
    const stored = JSON.parse(await readFile(file, 'utf8')) as { entries: Array<[string, Array<[string, Array<{ path: string; title: string }>]>]> }
    const [path, list] = stored.entries[0]![1].find(([, l]) => l.length > 0)!
    // A mark only the record can have put there: a list read back, not scored again.
    list[0]!.title = 'MARKED IN THE RECORD'
    await writeFile(file, JSON.stringify(stored))
    const related = async () => {
      const result = await run()
      const links = JSON.parse(refText(result.blobs, result.manifest.records[linksRecord(path)]!)!) as PostLinksRecord
      return links.related.map((l) => l.title)
    }
    const edited = join(contentDir, 'posts', '2025-01-31-deepseek-ai.md')
    await writeFile(edited, `${await readFile(edited, 'utf8')}\nA body edit.\n`)
    expect(await related()).toContain('MARKED IN THE RECORD')
    // A new title changes what the lists depend on: they are scored again.
    await writeFile(edited, (await readFile(edited, 'utf8')).replace(/^title: .*$/m, 'title: A title of its own'))
    expect(await related()).not.toContain('MARKED IN THE RECORD')
  })
})
