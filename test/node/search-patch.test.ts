// The search shards patched with edited posts (search-patch.ts) are the shards laid out from scratch, byte for byte.
import fc from 'fast-check'
import { cp, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { build } from '../../scripts/pipeline/index.ts'
import { shardLayout } from '../../scripts/pipeline/search-index.ts'
import { patchShards as patch, type Change, type Terms } from '../../scripts/pipeline/search-patch.ts'
import { shardRecord } from '../../src/shared/search.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-patch-')

/** A post's analysis: distinct terms from a small vocabulary (so posts share terms and first posts move), each with a weight. */
const analysis = fc.uniqueArray(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('').map((c, i) => (i % 3 ? c : `${c}語`))), { maxLength: 14 }).chain((terms) =>
  fc.array(fc.integer({ min: 1, max: 40 }), { minLength: terms.length, maxLength: terms.length }).map((weights): Terms => ({ terms, weights })),
)

/** Every shard, patched or as it was. */
const patchShards = (data: string[], changes: Change[], termsOf: (id: number) => readonly string[]) => {
  const changed = patch(data.length, (n) => data[n]!, changes, termsOf)
  return data.map((text, n) => changed.get(n) ?? text)
}

const lengths = (posts: Terms[]) => posts.map((p) => p.weights.reduce((a, b) => a + b, 0))
const layout = (posts: Terms[], shards: number) => shardLayout(posts, shards, lengths(posts))

/** An edit of `post` as a writer makes one: a weight changed, a term added at `at`, one dropped, or two swapped. */
function edited(post: Terms, kind: number, at: number, tf: number): Terms {
  const terms = [...post.terms]
  const weights = [...post.weights]
  const i = terms.length ? at % terms.length : 0
  if (kind === 0 && terms.length) weights[i] = tf
  else if (kind === 1) {
    const term = ['new', '新词', 'zz', 'b', 'c語', 'q', 'x1', 'x2', 'x3'].find((t) => !terms.includes(t)) ?? `x${terms.length}`
    terms.splice(at % (terms.length + 1), 0, term)
    weights.splice(at % (weights.length + 1), 0, tf)
  } else if (kind === 2 && terms.length) {
    terms.splice(i, 1)
    weights.splice(i, 1)
  } else if (kind === 3 && terms.length > 1) {
    const j = (i + 1) % terms.length
    ;[terms[i], terms[j]] = [terms[j]!, terms[i]!]
  }
  return { terms, weights }
}

/** Each post's edit applied to its analysis as it stands (by post, n modulo the posts): the shards patched must be those laid out anew. */
function patchesAsLaidOut<E>(posts: Terms[], shards: number, edits: Array<[number, E]>, apply: (post: Terms, edit: E) => Terms): void {
  const after = [...posts]
  const changes = new Map<number, Change>()
  for (const [n, edit] of edits) {
    const id = n % posts.length
    after[id] = apply(after[id]!, edit)
    changes.set(id, { id, before: posts[id]!, after: after[id]! })
  }
  const patched = patchShards(layout(posts, shards), [...changes.values()], (id) => after[id]!.terms)
  expect(patched).toEqual(layout(after, shards))
}

describe('patching the search shards', () => {
  it('gives the full layout after small edits, the kind a writer makes, which patch only the terms whose weight changed', () => {
    const blog = fc.record({
      posts: fc.array(analysis, { minLength: 1, maxLength: 10 }),
      shards: fc.constantFrom(1, 2, 4),
      edits: fc.array(fc.tuple(fc.nat(), fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat(), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 3 }),
    })
    fc.assert(
      fc.property(blog, ({ posts, shards, edits }) => patchesAsLaidOut(posts, shards, edits, (post, steps) => steps.reduce((p, [kind, at, tf]) => edited(p, kind, at, tf), post))),
      { numRuns: 600 },
    )
  })

  it('gives the full layout of the edited posts, whichever terms move between first posts', () => {
    const blog = fc.record({
      posts: fc.array(analysis, { minLength: 1, maxLength: 12 }),
      shards: fc.constantFrom(1, 2, 4),
      edits: fc.array(fc.tuple(fc.nat(), analysis), { minLength: 1, maxLength: 4 }),
    })
    fc.assert(
      fc.property(blog, ({ posts, shards, edits }) => patchesAsLaidOut(posts, shards, edits, (_, edited) => edited)),
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
    return { run, edit, layout: join(cacheDir, 'search-layout.json'), shards: join(cacheDir, 'search-layout') }
  }
  const shard = (result: Awaited<ReturnType<typeof build>>, n: number) => JSON.parse(result.blobs.get(result.manifest.records[shardRecord(n)]!)!).data as string

  it('is what an edit in a new process patches, into the cold build of the edited posts', async () => {
    const { run, edit, layout, shards } = await setup()
    await run()
    await edit('Zebrafish 斑马鱼 appear in one post only.')
    const patched = await run()
    expect(patched.manifest.buildId).toBe((await run(false)).manifest.buildId)
    // Each shard file holds its text as UTF-16, and the folder holds the layout's files only.
    const kept = JSON.parse(await readFile(layout, 'utf8'))
    const names = kept.layout.shards.map((s: string[]) => `${s[0]}.txt`)
    expect((await readdir(shards)).sort()).toEqual([...names].sort())
    const texts = await Promise.all(names.map((name: string) => readFile(join(shards, name), 'utf16le')))
    expect(texts).toEqual(texts.map((_, n) => shard(patched, n)))
  })

  it('is laid out again when a kept shard was changed, into the cold build', async () => {
    const { run, edit, shards } = await setup()
    await run()
    // The same length, other bytes: a stat cannot tell, its hash can.
    for (const name of await readdir(shards)) {
      const text = await readFile(join(shards, name), 'utf16le')
      await writeFile(join(shards, name), Buffer.from(text.replace(/\t\w/g, (m) => `\t${m[1] === '1' ? '2' : '1'}`), 'utf16le'))
    }
    await edit('Zebrafish 斑马鱼 appear in one post only.')
    expect((await run()).manifest.buildId).toBe((await run(false)).manifest.buildId)
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
    expect(kept.layout.shards.map((s: string[]) => s[0])).toEqual(kept.layout.shards.map((_: unknown, n: number) => rebuilt.manifest.records[shardRecord(n)]))
  })
})
