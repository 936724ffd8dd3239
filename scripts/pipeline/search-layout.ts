/**
 * The search index's last layout (search-index.ts SearchLayout), kept beside
 * the render cache, so that a build in a new process patches the edited
 * posts into its shards (search-patch.ts) rather than laying out every post's
 * postings again. Patching needs the terms an edited post had: derive reads
 * them from the render cache (by the key the layout names) before the cache
 * is let go. A damaged file, another version or renderer, or none is no
 * layout at all: the shards are laid out in full, as before (kept-json.ts).
 */

import type { RenderCache } from './cache.ts'
import { readKept, writeKept } from './kept-json.ts'
import type { Post } from './posts.ts'
import type { LayoutInput, SearchIndex, SearchLayout, StoredTerms } from './search-index.ts'
import type { Terms } from './search-patch.ts'
import type { BuildSession } from './session.ts'

const FILE = 'search-layout.json'
const VERSION = 1
/** Edited posts whose terms then are read: more than the index patches in (search-index.ts PATCH_MAX) is no use. */
const READ_MAX = 16

/** A session's layout: the last one (read from the folder once per process), and what this build patches it with. */
export interface LayoutMemo {
  last?: SearchLayout
  read?: boolean
  input?: LayoutInput
}

const isDoc = (d: unknown): boolean => Array.isArray(d) && d.length === 4 && typeof d[0] === 'string' && typeof d[1] === 'number' && typeof d[2] === 'string' && typeof d[3] === 'string'

const isLayout = (x: unknown): x is SearchLayout => {
  const layout = x as SearchLayout | null
  return Array.isArray(layout?.docs) && layout.docs.every(isDoc) && Array.isArray(layout.data) && layout.data.every((d) => typeof d === 'string')
}

/**
 * After derive, before the cache is let go: each analysis's key by its hash,
 * and the terms the last layout's posts had under keys no post has now.
 */
export async function noteLayout(session: BuildSession, posts: Post[], cache: RenderCache, dir: string, renderer: string): Promise<void> {
  const memo = session.layout
  if (!memo.read) {
    memo.read = true
    const layout = (await readKept(dir, FILE, VERSION, renderer))?.layout
    if (isLayout(layout)) memo.last = layout
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
    const stored = before.size < READ_MAX ? cache.peek<StoredTerms>(key) : undefined
    if (!stored) break
    before.set(key, stored)
  }
  memo.input = { last: memo.last, before, keys }
}

/** After the search stage: its layout becomes the last one, written unless it is the one read or written before. */
export async function keepLayout(session: BuildSession, index: SearchIndex, dir: string, renderer: string): Promise<void> {
  const memo = session.layout
  memo.input = undefined
  const { layout } = index
  if (!layout || (layout.data === memo.last?.data && JSON.stringify(layout.docs) === JSON.stringify(memo.last.docs))) return
  memo.last = layout
  await writeKept(dir, FILE, VERSION, renderer, { layout })
}
