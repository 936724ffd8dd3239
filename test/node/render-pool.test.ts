// Rendering on two threads gives exactly what one thread gives, errors, derive values and render cache included.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateCorpus } from '../../scripts/bench/corpus.ts'
import { build, BuildSession } from '../../scripts/pipeline/index.ts'
import { RenderCache, packEntries, rendererVersion } from '../../scripts/pipeline/cache.ts'
import { EARLY_MIN_FILES, PARALLEL_MIN_FILES, poolStats, rendersAll, type FileMemo } from '../../scripts/pipeline/render-pool.ts'
import { countSources } from '../../scripts/pipeline/sources.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-pool-')
const now = new Date('2025-06-01T00:00:00Z')

/** Every pack of a render cache folder, by name. */
async function packs(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).filter((n) => n.startsWith('pack-')).sort()
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n), 'utf16le')] as const)))
}

describe('parallel render', () => {
  it('builds the same manifest and records as a serial build', async () => {
    const dir = await tempDir()
    await generateCorpus(dir, PARALLEL_MIN_FILES + 50, 3)
    const serial = await build({ contentDir: dir, outDir: '', publicDir: '', now, parallel: false })
    const before = poolStats.workerFiles
    const parallel = await build({ contentDir: dir, outDir: '', publicDir: '', now, parallel: true })
    // The second thread did render (it falls back to the main thread silently).
    expect(poolStats.workerFiles - before).toBeGreaterThan(0)
    expect(parallel.manifest.buildId).toBe(serial.manifest.buildId)
    expect([...parallel.blobs.keys()]).toEqual([...serial.blobs.keys()])
  })

  it('makes the same records and render cache on a cold build with a cache, where the worker derives too', async () => {
    const dir = await tempDir()
    // A few blog-shaped posts (code, images, links to make absolute in feeds): enough for the early pool.
    await generateCorpus(dir, EARLY_MIN_FILES + 40, 5, { real: true })
    const [one, two] = [await tempDir(), await tempDir()]
    const serial = await build({ contentDir: dir, outDir: '', publicDir: '', now, cacheDir: one, parallel: false })
    const before = poolStats.workerFiles
    const parallel = await build({ contentDir: dir, outDir: '', publicDir: '', now, cacheDir: two, parallel: true })
    expect(poolStats.workerFiles - before).toBeGreaterThan(0)
    expect(parallel.manifest.buildId).toBe(serial.manifest.buildId)
    expect([...parallel.blobs]).toEqual([...serial.blobs])
    expect(await packs(two)).toEqual(await packs(one))
  })

  it("renders on both threads, with 'auto', a cold build of PARALLEL_MIN_FILES posts or more, and not one of fewer", async () => {
    const [many, few] = [await tempDir(), await tempDir()]
    await generateCorpus(many, PARALLEL_MIN_FILES, 6)
    await generateCorpus(few, PARALLEL_MIN_FILES - 1, 6)
    expect(countSources(many, PARALLEL_MIN_FILES)).toBe(true)
    expect(countSources(few, PARALLEL_MIN_FILES)).toBe(false)
    let before = poolStats.workerFiles
    const auto = await build({ contentDir: many, outDir: '', publicDir: '', now, parallel: 'auto' })
    expect(poolStats.workerFiles - before).toBeGreaterThan(0)
    expect(auto.manifest.buildId).toBe((await build({ contentDir: many, outDir: '', publicDir: '', now, parallel: false })).manifest.buildId)
    before = poolStats.workerFiles
    await build({ contentDir: few, outDir: '', publicDir: '', now, parallel: 'auto' })
    expect(poolStats.workerFiles).toBe(before)
  })

  it('opens the pool early only for a build that renders everything', async () => {
    const cache = await tempDir()
    expect(await rendersAll(undefined, new BuildSession())).toBe(true)
    expect(await rendersAll(cache, new BuildSession())).toBe(true)
    await writeFile(join(cache, 'pack-00.ndjson'), '')
    expect(await rendersAll(cache, new BuildSession())).toBe(false)
    const kept = new BuildSession()
    kept.posts.set('k', {} as never)
    expect(await rendersAll(undefined, kept)).toBe(false)
  })

  it('reports bad files from either thread, in file order', async () => {
    const dir = await tempDir()
    await generateCorpus(dir, PARALLEL_MIN_FILES + 50, 4)
    await writeFile(join(dir, 'posts', '2000-01-01-first-bad.md'), '---\ndate: 2000-01-01\n---\n')
    await writeFile(join(dir, 'posts', '2099-01-01-last-bad.md'), '---\ntitle: [\n---\n')
    const error = await build({ contentDir: dir, outDir: '', publicDir: '', now: new Date(), parallel: true }).catch((e: Error) => e)
    expect((error as Error).message.split('\n')).toEqual([
      'posts/2000-01-01-first-bad.md:1: `title` is missing; add a line such as `title: "My post"` to the front matter',
      expect.stringMatching(/^posts\/2099-01-01-last-bad\.md:2: front matter is not valid YAML/),
    ])
  })

  it('leaves an edit in a new process to the worker alone: the same build, render cache and errors as one thread', async () => {
    const dir = await tempDir()
    await generateCorpus(dir, 30, 6, { real: true })
    const [one, two] = [await tempDir(), await tempDir()]
    // No session: each build is a new process's first, over the cache the last one left.
    const run = (cacheDir: string, parallel: boolean) => build({ contentDir: dir, outDir: '', publicDir: '', now, cacheDir, parallel })
    await run(one, false)
    await run(two, false)
    const names = (await readdir(join(dir, 'posts'))).sort()
    const edited = join(dir, 'posts', names[3]!)
    await writeFile(edited, `${await readFile(edited, 'utf8')}\nOne more paragraph, with [a link](/about/).\n`)
    const before = poolStats.workerFiles
    const warm = await run(two, false)
    expect(poolStats.workerFiles - before).toBe(1)
    const serial = await build({ contentDir: dir, outDir: '', publicDir: '', now, cacheDir: one, parallel: false, session: new BuildSession() })
    expect(warm.manifest.buildId).toBe(serial.manifest.buildId)
    expect([...warm.blobs]).toEqual([...serial.blobs])
    expect(await packs(two)).toEqual(await packs(one))
    // A file the worker finds bad is reported as one thread reports it.
    await writeFile(edited, '---\ntitle: [\n---\n')
    const error = await run(two, false).catch((e: Error) => e)
    expect((error as Error).message).toMatch(new RegExp(`^posts/${names[3]!.replace('.', '\\.')}:2: front matter is not valid YAML`))
  })

  it("gives an edit's worker what the post's last render worked out (code blocks, zone parts), and keeps what this one did", async () => {
    const dir = await tempDir()
    await generateCorpus(dir, 30, 6, { real: true })
    // Dated permalinks, so the zone parts show in the post's URL.
    const config = join(dir, 'site.yml')
    await writeFile(config, (await readFile(config, 'utf8')).replace(/^permalink: .*$/m, 'permalink: /:year/:month/:title/'))
    const cacheDir = await tempDir()
    const run = () => build({ contentDir: dir, outDir: '', publicDir: '', now, cacheDir, parallel: false })
    await run()
    const names = (await readdir(join(dir, 'posts'))).sort()
    const coded = (await Promise.all(names.map(async (n) => [n, await readFile(join(dir, 'posts', n), 'utf8')] as const))).find(([, t]) => t.includes('```swift'))!
    const file = join(dir, 'posts', coded[0])
    const edit = async (line: string) => writeFile(file, `${await readFile(file, 'utf8')}\n${line}\n`)
    await edit('A first edit.')
    await run()
    // What the first edit kept, with a block and the date's parts planted: the next edit shows both, so the worker took them.
    const cache = await RenderCache.open(cacheDir)
    const key = cache.key(await rendererVersion(), 'file-memo', process.versions.tz ?? '', `posts/${coded[0]}`)
    const memo = cache.peek<FileMemo>(key)!
    expect(memo.blocks.length).toBeGreaterThan(0)
    expect(memo.zones.length).toBeGreaterThan(0)
    const blocks = memo.blocks.map(([k, h]): FileMemo['blocks'][number] => [k, { ...h, html: h.html.replace('<pre ', '<pre data-planted ') }])
    const zones = memo.zones.map(([k, p]): FileMemo['zones'][number] => [k, { ...p, year: 1999 }])
    cache.set(key, { blocks, zones })
    // Every other entry kept as it is (a save drops the entries not used).
    cache.touch(Object.values(await packs(cacheDir)).flatMap((text) => packEntries(text).map(([key]) => key)))
    await cache.save()
    await edit('A second edit.')
    const before = poolStats.workerFiles
    const second = await run()
    expect(poolStats.workerFiles - before).toBe(1)
    const body = [...second.blobs.values()].find((json) => json.includes('A second edit.'))!
    expect(body).toContain('data-planted')
    expect(Object.keys(second.manifest.routes).filter((path) => /^\/1999\/\d\d\/[^/]+\/$/.test(path))).toHaveLength(1)
    // Without the plant, the same as a cold build: the blocks are the same function of their code.
    const again = await RenderCache.open(cacheDir)
    again.touch(Object.values(await packs(cacheDir)).flatMap((text) => packEntries(text).map(([key]) => key)))
    again.set(key, memo)
    await again.save()
    await edit('A third edit.')
    const third = await run()
    const cold = await build({ contentDir: dir, outDir: '', publicDir: '', now, parallel: false })
    expect(third.manifest.buildId).toBe(cold.manifest.buildId)
  })
})
