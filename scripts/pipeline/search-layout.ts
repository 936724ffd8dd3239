/**
 * The search index's last layout (search-index.ts SearchLayout), kept beside
 * the render cache, so that a build in a new process patches the edited
 * posts into its shards (search-patch.ts) rather than laying out every post's
 * postings again. Patching needs the terms an edited post had: derive reads
 * them from the render cache (by the key the layout names) before the cache
 * is let go.
 *
 * Kept as `search-layout.json` (the docs, and each shard's sum and length)
 * and one file per shard text under `search-layout/`, named by the shard's
 * hash: a build reads only the shards it patches, and writes only those it
 * changed (a 1,000-post blog's shards are ~6 MB). The texts are UTF-16, as
 * a JS string holds them, so reading one is a copy, not a decoding. A
 * damaged record, another version or renderer, or a shard file missing or
 * of the wrong size is no layout at all: the shards are laid out in full, as
 * before (kept-json.ts).
 */

import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { SCHEMA_VERSION } from '../../src/shared/keys.ts'
import type { RenderCache } from './cache.ts'
import { readKept, writeKept } from './kept-json.ts'
import { blobHash } from './manifest.ts'
import type { Post } from './posts.ts'
import { PATCH_MAX, type LayoutInput, type LayoutShard, type SearchIndex, type SearchLayout, type StoredTerms } from './search-index.ts'
import type { Terms } from './search-patch.ts'
import type { BuildSession } from './session.ts'
import { writeFileAtomic } from './write.ts'

const FILE = 'search-layout.json'
const FOLDER = 'search-layout'
const VERSION = 2
const HASH = /^[0-9a-f]{32}$/

/** A session's layout: the last one (read from the folder once per process), the shard files there, and what this build patches it with. */
export interface LayoutMemo {
  last?: SearchLayout
  read?: boolean
  files?: Set<string>
  input?: LayoutInput
}

/** [hash, bytes, units, text length] of a shard: its record's sum, and the length of its text. */
type Kept = { docs: SearchLayout['docs']; shards: Array<[string, number, number, number]> }

const isDoc = (d: unknown): boolean => Array.isArray(d) && d.length === 4 && typeof d[0] === 'string' && typeof d[1] === 'number' && typeof d[2] === 'string' && typeof d[3] === 'string'
const isShard = (s: unknown): boolean => Array.isArray(s) && s.length === 4 && HASH.test(s[0]) && s.slice(1).every(Number.isInteger)
const isKept = (x: unknown): x is Kept => {
  const kept = x as Kept | null
  return Array.isArray(kept?.docs) && kept.docs.every(isDoc) && Array.isArray(kept.shards) && kept.shards.every(isShard)
}

const shardFile = (dir: string, hash: string) => join(dir, FOLDER, `${hash}.txt`)

/** A kept shard's text, read once, and refused unless its record is the one its hash names (then the shards are laid out again). */
function keptText(file: string, hash: string): () => string {
  let text: string | undefined
  return () => {
    if (text !== undefined) return text
    const read = readFileSync(file, 'utf16le')
    if (blobHash(JSON.stringify({ kind: 'search-shard', v: SCHEMA_VERSION, data: read })) !== hash) throw new Error(`${file} does not match its hash; delete it and build again`)
    return (text = read)
  }
}

/** The layout the last build in `dir` kept, when every shard file is there at its size. */
async function restore(dir: string, renderer: string): Promise<{ layout: SearchLayout; files: Set<string> } | undefined> {
  const kept = (await readKept(dir, FILE, VERSION, renderer))?.layout
  if (!isKept(kept)) return undefined
  const shards: LayoutShard[] = []
  for (const [hash, bytes, units, length] of kept.shards) {
    const file = shardFile(dir, hash)
    if (statSync(file, { throwIfNoEntry: false })?.size !== 2 * length) return undefined
    shards.push({ sum: { hash, bytes, units }, text: keptText(file, hash), length })
  }
  return { layout: { docs: kept.docs, shards }, files: new Set(kept.shards.map((s) => s[0])) }
}

/**
 * After derive, before the cache is let go: each analysis's key by its hash,
 * and the terms the last layout's posts had under keys no post has now.
 */
export async function noteLayout(session: BuildSession, posts: Post[], cache: RenderCache, dir: string, renderer: string): Promise<void> {
  const memo = session.layout
  if (!memo.read) {
    memo.read = true
    const restored = await restore(dir, renderer)
    memo.last = restored?.layout
    memo.files = restored?.files
  }
  const keys = new Map<string, string>()
  for (const post of posts) {
    const key = session.derived.get(post)?.[2]
    const analysis = session.analysis.get(post)
    if (key && analysis) keys.set(analysis.hash, key)
  }
  const present = new Set(keys.values())
  const before = new Map<string, Terms>()
  for (const [, , , key] of memo.last?.docs ?? []) {
    if (present.has(key) || before.has(key)) continue
    // More edited posts than the index patches in (PATCH_MAX): the shards are laid out again, and none is read.
    const stored = before.size < PATCH_MAX ? cache.peek<StoredTerms>(key) : undefined
    if (!stored) break
    before.set(key, stored)
  }
  memo.input = { last: memo.last, before, keys }
}

/**
 * After the search stage: its layout becomes the last one. The shard files
 * it lacks are written first, then the record that names them, then the
 * files no longer named are removed.
 */
export async function keepLayout(session: BuildSession, index: SearchIndex, dir: string, renderer: string): Promise<void> {
  const memo = session.layout
  memo.input = undefined
  const { layout } = index
  if (!layout) return
  const last = memo.last
  memo.last = layout
  const same = last && last.shards.length === layout.shards.length && last.shards.every((s, n) => s.sum.hash === layout.shards[n]!.sum.hash)
  if (same && JSON.stringify(last.docs) === JSON.stringify(layout.docs)) return
  try {
    const files = memo.files ?? new Set<string>()
    await mkdir(join(dir, FOLDER), { recursive: true })
    for (const { sum, text } of layout.shards) if (!files.has(sum.hash)) await writeFileAtomic(shardFile(dir, sum.hash), Buffer.from(text(), 'utf16le'))
    const shards = layout.shards.map(({ sum, length }): Kept['shards'][number] => [sum.hash, sum.bytes, sum.units, length])
    if (!(await writeKept(dir, FILE, VERSION, renderer, { layout: { docs: layout.docs, shards } }))) return
    memo.files = new Set(shards.map((s) => s[0]))
    for (const name of readdirSync(join(dir, FOLDER))) if (!memo.files.has(name.slice(0, 32))) rmSync(join(dir, FOLDER, name), { force: true })
  } catch {
    memo.files = undefined // best effort, as every kept record: the next build lays the shards out in full
  }
}
