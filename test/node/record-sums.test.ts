// Record sums (scripts/pipeline/record-sums.ts) and lazy blob texts (blob-texts.ts): a build in
// a new process names an unchanged post's body, entry and Markdown by the sums the last build
// kept, makes their JSON only when read, and still builds exactly what a cold build does.
import { cp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BlobTexts } from '../../scripts/pipeline/blob-texts.ts'
import { build } from '../../scripts/pipeline/index.ts'
import { packOffsets } from '../../scripts/pipeline/packs.ts'
import { packText, refBlob } from '../../src/shared/packs.ts'
import { recordOf } from '../../src/shared/route-entry.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-sums-')

describe('blob texts', () => {
  it('make a pending text once, on first read or iteration, and take a given text over a pending one', () => {
    const texts = new BlobTexts()
    let made = 0
    texts.set('a', 'A').lazy('b', () => `B${++made}`).lazy('c', () => `C${++made}`)
    expect(texts.size).toBe(3)
    expect(texts.has('b') && !texts.made('b') && texts.made('a')).toBe(true)
    expect(texts.get('b')).toBe('B1')
    expect(texts.get('b')).toBe('B1')
    expect([...texts]).toEqual([['a', 'A'], ['b', 'B1'], ['c', 'C2']])
    expect(made).toBe(2)
    texts.lazy('d', () => 'never').set('d', 'D')
    expect([...texts.values()]).toEqual(['A', 'B1', 'C2', 'D'])
    // A text already there is not replaced by a pending one.
    texts.lazy('a', () => 'other')
    expect(texts.get('a')).toBe('A')
    texts.delete('b')
    const seen: string[] = []
    texts.forEach((text, hash) => seen.push(`${hash}=${text}`))
    expect(seen).toEqual(['a=A', 'c=C2', 'd=D'])
  })

  it('give a text as a function of its own, made once whether the map or the function reads it first', () => {
    const texts = new BlobTexts()
    let made = 0
    texts.set('a', 'A').lazy('b', () => `B${++made}`).lazy('c', () => `C${++made}`)
    const [a, b, c] = ['a', 'b', 'c'].map((h) => texts.textOf(h)!)
    expect(texts.textOf('z')).toBeUndefined()
    expect(made).toBe(0)
    expect([a!(), texts.get('b'), b!(), c!(), texts.get('c')]).toEqual(['A', 'B1', 'B1', 'C2', 'C2'])
    expect(made).toBe(2)
  })

  it('point into a pack where packText puts each member', () => {
    const members = ['{"a":1}', '{"b":"多字节 🎉"}', '', '{"c":[1,2,3]}']
    expect(packOffsets(members.map((m) => m.length))).toEqual(packText(members).offsets)
  })
})

describe('record sums', () => {
  async function setup() {
    const root = await tempDir()
    const contentDir = join(root, 'content')
    await cp(FIXTURE_CONTENT, contentDir, { recursive: true })
    const cacheDir = join(root, 'cache')
    // No session: each build is a new process's first.
    const run = (cache = true) => build({ contentDir, outDir: '', publicDir: '', now: FIXTURE_NOW, cacheDir: cache ? join(root, 'cache') : undefined })
    return { contentDir, cacheDir, run }
  }
  const pageBlob = (result: Awaited<ReturnType<typeof build>>, path: string) => refBlob(recordOf(result.manifest.routes[path]!))
  const post = '/2025/01/deepseek-ai/'
  /** A post showing /assets/img/edge-request.svg, which the images stage measures. */
  const withImage = '/2025/03/edge-rendering-with-workers/'
  /** The paths of the records of `kind` (post bodies by default) `work` stringifies; a search text, which has none, counts as ''. */
  async function bodiesStringified<T>(work: () => Promise<T>, kind = 'post'): Promise<{ result: T; bodies: string[] }> {
    const stringify = JSON.stringify
    const bodies: string[] = []
    vi.spyOn(JSON, 'stringify').mockImplementation(function (this: unknown, ...args: Parameters<typeof JSON.stringify>) {
      const value = args[0] as { kind?: string; path?: string } | null
      if (value?.kind === kind) bodies.push(value.path ?? '')
      return stringify.apply(this, args)
    } as typeof JSON.stringify)
    try {
      return { result: await work(), bodies }
    } finally {
      vi.restoreAllMocks()
    }
  }
  afterEach(() => vi.restoreAllMocks())

  it('name unchanged posts without stringifying their bodies, and the build is the cold one, text for text', async () => {
    const { run } = await setup()
    const cold = await run(false)
    await run()
    const { result: warm, bodies } = await bodiesStringified(run)
    // Only posts the link stage made anew (`post_url`) are hashed as before; a post with measured images is named too.
    expect(bodies).not.toContain(post)
    expect(bodies).not.toContain(withImage)
    expect(bodies.length).toBeLessThan(cold.summary.posts / 2)
    expect((warm.blobs as BlobTexts).made(pageBlob(warm, post))).toBe(false)
    expect(warm.manifest.buildId).toBe(cold.manifest.buildId)
    expect(warm.summary.kvBytes).toBe(cold.summary.kvBytes)
    expect([...warm.blobs].sort()).toEqual([...cold.blobs].sort())
  })

  it("name an unchanged post's meta record and search text too, to the cold build", async () => {
    const { run } = await setup()
    const cold = await run(false)
    await run()
    const meta = await bodiesStringified(run, 'meta')
    expect(meta.bodies).not.toContain(post)
    expect(meta.bodies.length).toBeLessThan(cold.summary.posts / 2)
    const texts = await bodiesStringified(run, 'search-text')
    expect(texts.bodies.length).toBeLessThan(cold.summary.posts / 2)
    for (const warm of [meta.result, texts.result]) expect(warm.manifest.buildId).toBe(cold.manifest.buildId)
    expect([...texts.result.blobs].sort()).toEqual([...cold.blobs].sort())
  })

  it('hash an edited post again, and name the others', async () => {
    const { contentDir, run } = await setup()
    await run()
    const file = join(contentDir, 'posts', '2025-01-31-deepseek-ai.md')
    await writeFile(file, `${await readFile(file, 'utf8')}\nOne more line.\n`)
    const { result: warm, bodies } = await bodiesStringified(run)
    const cold = await run(false)
    expect(warm.manifest.buildId).toBe(cold.manifest.buildId)
    // The edited post's, and those in its pack, which is new: it is hashed, so its text is made.
    expect(bodies).toContain(post)
    expect(bodies.length).toBeLessThan(cold.summary.posts)
    expect((warm.blobs as BlobTexts).made(pageBlob(warm, post))).toBe(true)
    expect([...warm.blobs].sort()).toEqual([...cold.blobs].sort())
  })

  it("name a post with a measured image by its image's bytes too: another picture under the same name is hashed again", async () => {
    const { contentDir, run } = await setup()
    await run()
    const svg = join(contentDir, 'assets', 'img', 'edge-request.svg')
    const text = await readFile(svg, 'utf8')
    expect(text).toContain('viewBox="0 0 640 200"')
    await writeFile(svg, text.replace('viewBox="0 0 640 200"', 'viewBox="0 0 320 100"'))
    const { result: warm, bodies } = await bodiesStringified(run)
    const cold = await run(false)
    expect(cold.manifest.routes[withImage]).toBeDefined()
    // Its own body is made again (and those it shares a pack with: a new pack's text is joined from its members').
    expect(bodies).toContain(withImage)
    expect(warm.manifest.buildId).toBe(cold.manifest.buildId)
    expect([...warm.blobs].sort()).toEqual([...cold.blobs].sort())
    expect([...warm.blobs.values()].some((t) => t.includes('width=\\"320\\" height=\\"100\\"'))).toBe(true)
  })

  it('are none when their file is damaged or of another renderer: everything is hashed, to the same build', async () => {
    const { cacheDir, run } = await setup()
    const cold = await run()
    const file = join(cacheDir, 'record-sums.json')
    const kept = JSON.parse(await readFile(file, 'utf8')) as { v: number; salt: string; entries: Array<[string, string, number, number]> }
    expect(kept.entries.length).toBeGreaterThan(3 * 5)
    for (const damaged of ['{"v":1,', JSON.stringify({ ...kept, entries: [[kept.entries[0]![0], 'not a hash', 1, 1]] }), JSON.stringify({ ...kept, salt: 'other' })]) {
      await writeFile(file, damaged)
      const { result: warm, bodies } = await bodiesStringified(run)
      expect(new Set(bodies).size).toBe(cold.summary.posts + cold.summary.scheduled)
      expect(warm.manifest.buildId).toBe(cold.manifest.buildId)
    }
  })
})
