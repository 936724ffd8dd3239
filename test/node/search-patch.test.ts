// The search shards patched with edited posts (search-patch.ts) are the shards laid out from scratch, byte for byte.
import fc from 'fast-check'
import { cp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { build } from '../../scripts/pipeline/index.ts'
import { shardLayout } from '../../scripts/pipeline/search-index.ts'
import { patchShards, type Terms } from '../../scripts/pipeline/search-patch.ts'
import { shardRecord } from '../../src/shared/search.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-patch-')

/** A post's analysis: distinct terms from a small vocabulary (so posts share terms and first posts move), each with a weight. */
const analysis = fc.uniqueArray(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('').map((c, i) => (i % 3 ? c : `${c}語`))), { maxLength: 14 }).chain((terms) =>
  fc.array(fc.integer({ min: 1, max: 40 }), { minLength: terms.length, maxLength: terms.length }).map((weights): Terms => ({ terms, weights })),
)

const lengths = (posts: Terms[]) => posts.map((p) => p.weights.reduce((a, b) => a + b, 0))
const layout = (posts: Terms[], shards: number) => shardLayout(posts, shards, lengths(posts))

describe('patching the search shards', () => {
  it('gives the full layout of the edited posts, whichever terms move between first posts', () => {
    const blog = fc.record({
      posts: fc.array(analysis, { minLength: 1, maxLength: 12 }),
      shards: fc.constantFrom(1, 2, 4),
      edits: fc.array(fc.tuple(fc.nat(), analysis), { minLength: 1, maxLength: 4 }),
    })
    fc.assert(
      fc.property(blog, ({ posts, shards, edits }) => {
        const after = [...posts]
        const changes = new Map<number, { id: number; before: Terms; after: Terms }>()
        for (const [n, edited] of edits) {
          const id = n % posts.length
          after[id] = edited
          changes.set(id, { id, before: posts[id]!, after: edited })
        }
        const patched = patchShards(layout(posts, shards), [...changes.values()], (id) => after[id]!.terms)
        expect(patched).toEqual(layout(after, shards))
      }),
      { numRuns: 400 },
    )
  })

  it('moves a term edited out of its first post to the next post that has it, in that post’s order', () => {
    const posts: Terms[] = [
      { terms: ['x', 'a'], weights: [1, 2] },
      { terms: ['b', 'a', 'x'], weights: [3, 4, 5] },
    ]
    const edited: Terms = { terms: ['a'], weights: [2] }
    const patched = patchShards(layout(posts, 1), [{ id: 0, before: posts[0]!, after: edited }], (id) => posts[id]!.terms)
    // x now first appears in post 1, after b there: the order is a (post 0), then b, x (post 1).
    expect(patched).toEqual(['\na\t2;0.2,1.4\nb\t1;1.3\nx\t1;1.5'])
    expect(patched).toEqual(layout([edited, posts[1]!], 1))
  })
})

describe('the kept search layout', () => {
  async function setup() {
    const root = await tempDir()
    const contentDir = join(root, 'content')
    await cp(FIXTURE_CONTENT, contentDir, { recursive: true })
    const cacheDir = join(root, 'cache')
    // No session: each build is a new process's first.
    const run = (cache = true) => build({ contentDir, outDir: '', publicDir: '', now: FIXTURE_NOW, cacheDir: cache ? cacheDir : undefined })
    const edit = async (line: string) => {
      const file = join(contentDir, 'posts', '2025-01-31-deepseek-ai.md')
      await writeFile(file, `${await readFile(file, 'utf8')}\n${line}\n`)
    }
    return { run, edit, layout: join(cacheDir, 'search-layout.json') }
  }
  const shard = (result: Awaited<ReturnType<typeof build>>, n: number) => JSON.parse(result.blobs.get(result.manifest.records[shardRecord(n)]!)!).data as string

  it('is what an edit in a new process patches, into the cold build of the edited posts', async () => {
    const { run, edit, layout } = await setup()
    await run()
    await edit('Zebrafish 斑马鱼 appear in one post only.')
    const patched = await run()
    expect(patched.manifest.buildId).toBe((await run(false)).manifest.buildId)
    // A line planted in the kept layout, after every line: an edit's shards are the kept ones patched, so it is there.
    const kept = JSON.parse(await readFile(layout, 'utf8'))
    const last = kept.layout.docs.length - 1
    kept.layout.data = kept.layout.data.map((text: string) => `${text}\nplanted\t1;${last.toString(36)}.1`)
    await writeFile(layout, JSON.stringify(kept))
    await edit('Another line.')
    const next = await run()
    expect(shard(next, 0)).toContain('\nplanted\t')
  })

  it("is patched without reading the unchanged posts' terms", async () => {
    const { run, edit } = await setup()
    const cold = await run()
    await edit('Zebrafish 斑马鱼 appear in one post only.')
    const parse = JSON.parse
    let terms = 0
    vi.spyOn(JSON, 'parse').mockImplementation((...args: Parameters<typeof JSON.parse>) => {
      const value = parse(...args) as { terms?: unknown } | null
      if (Array.isArray(value?.terms)) terms++
      return value
    })
    try {
      await run()
    } finally {
      vi.restoreAllMocks()
    }
    // The edited post's terms as they were, and those of a post a term edited out of it moves to, at most.
    expect(terms).toBeGreaterThan(0)
    expect(terms).toBeLessThan(cold.summary.posts / 2)
  })

  it('is laid out again when damaged, into the cold build', async () => {
    const { run, edit, layout } = await setup()
    await run()
    await writeFile(layout, '{"v":1,"layout":')
    await edit('Zebrafish 斑马鱼 appear in one post only.')
    const rebuilt = await run()
    expect(rebuilt.manifest.buildId).toBe((await run(false)).manifest.buildId)
    // And kept whole again, for the next edit.
    const kept = JSON.parse(await readFile(layout, 'utf8'))
    expect(kept.layout.docs).toHaveLength(rebuilt.summary.posts + rebuilt.summary.scheduled)
    expect(kept.layout.data.join('')).toBe(Array.from({ length: kept.layout.data.length }, (_, n) => shard(rebuilt, n)).join(''))
  })
})
