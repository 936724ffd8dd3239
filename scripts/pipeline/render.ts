/**
 * Stage "render": the files the read stage missed are parsed and rendered on
 * the pool (render-pool.ts) and stored in the render cache; every file's post
 * or page comes out in discovery order, with every error in file order. With
 * a render cache, each new post's derive values (derive.ts) are made beside
 * its render, on the same thread, and handed to derive.
 */

import type { SiteConfig } from '../../src/shared/schema.ts'
import type { RenderCache } from './cache.ts'
import type { BuildError } from './errors.ts'
import type { Page, Post } from './posts.ts'
import { settle, type Miss, type Read } from './read.ts'
import type { Derived, FileMemo, Outcome } from './render-pool.ts'
import { EARLY_MIN_FILES, outcomeError, renderOnWorker, type Pool } from './render-thread.ts'
import { contentPath, type Found } from './sources.ts'

export interface RenderInput {
  contentDir: string
  found: Found[]
  site: SiteConfig
  nowMs: number
  cache?: RenderCache
  /** The renderer's version (cache.ts), part of every key. */
  renderer: string
  /** The worker thread, when the build opened it at its start (render-pool.ts openPool). */
  pool?: Pool
  parallel: boolean | 'auto'
  progress: () => void
}

export interface Rendered {
  posts: Post[]
  pages: Page[]
  errors: BuildError[]
  /** The derive values of the posts rendered here (with a render cache only), by post. */
  derived: WeakMap<Post, Derived>
}

/** The pool to render `count` files with: the early one if it is worth it, else one started now if that is. */
function poolFor(count: number, input: RenderInput, pools: typeof import('./render-pool.ts')): Pool | undefined {
  if (input.pool && count >= pools.EARLY_MIN_FILES) return input.pool
  input.pool?.close()
  return input.parallel && count >= pools.PARALLEL_MIN_FILES ? pools.openPool() : undefined
}

export async function render(read: Read, input: RenderInput): Promise<Rendered> {
  if (!read.misses.length) input.pool?.close()
  const derived = new WeakMap<Post, Derived>()
  // The misses go to the worker (before the first await) while this thread parses the kept files.
  const rendering = read.misses.length ? renderMisses(read, read.misses, input, derived) : undefined
  const late = await settle(read, input)
  await rendering
  const paths = input.found.map(({ file }) => contentPath(input.contentDir, file))
  keepMemos(read, input, paths)
  // Entries that did not parse, read again: rendered here (the worker ends with its one job).
  if (late.length) await renderMisses(read, late, { ...input, pool: undefined }, derived)
  const out: Rendered = { posts: [], pages: [], errors: read.errors, derived }
  input.found.forEach(({ kind }, i) => {
    const built = read.slots[i]
    if (built) (kind === 'page' ? out.pages : out.posts).push(built as Post & Page)
  })
  // Errors in the order of the files, however they were found.
  const order = new Map(paths.map((path, i) => [path, i]))
  out.errors.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0))
  return out
}

/**
 * Where the render cache keeps what a file's last render worked out
 * (render-pool.ts FileMemo): by its path, which an edit keeps, and the
 * runtime's tz data, which the zone parts come from.
 */
const memoKey = (input: RenderInput, path: string) => input.cache!.key(input.renderer, 'file-memo', process.versions.tz ?? '', path)

/** The memos of the files not rendered again stay in the cache for their next edit. */
function keepMemos(read: Read, input: RenderInput, paths: string[]): void {
  const { cache } = input
  if (!cache) return
  const missed = new Set(read.misses.map((m) => m.slot))
  paths.forEach((path, i) => {
    if (missed.has(i) || !read.slots[i]) return
    const key = memoKey(input, path)
    if (cache.has(key)) cache.touch([key])
  })
}

/**
 * The misses' outcomes: a few on the worker alone, when the build started it
 * (index.ts earlyPool), else on this thread and the pool's. The renderer
 * (marked, highlight.js, the front-matter parser) is loaded here only then:
 * a warm build with nothing changed spends no start-up on it, an edit none
 * on this thread.
 */
async function outcomesOf(misses: Read['misses'], input: RenderInput): Promise<Outcome[]> {
  const files = misses.map((m) => m.file)
  const derive = input.cache !== undefined
  const few = input.pool && files.length < EARLY_MIN_FILES
  // An edit's files go with what their last render worked out, and come back with what this one did.
  const memos = few && input.cache ? files.map((f) => input.cache!.peek<FileMemo>(memoKey(input, f.path))) : undefined
  const remote = few ? await renderOnWorker(input.pool!, { files, site: input.site, nowMs: input.nowMs, derive, next: new SharedArrayBuffer(4), memos, keepMemos: memos !== undefined }) : undefined
  if (remote) {
    for (const _ of remote) input.progress()
    return remote
  }
  const pools = await import('./render-pool.ts')
  return pools.buildSources(files, input.site, input.nowMs, { pool: few ? undefined : poolFor(files.length, input, pools), derive, onEach: input.progress })
}

/** Renders `misses` into their slots, keeping each in the cache and the session, and its derived values in `derived`. */
async function renderMisses({ slots, kept, errors, stamps }: Read, misses: Miss[], input: RenderInput, derived: WeakMap<Post, Derived>): Promise<void> {
  const outcomes = await outcomesOf(misses, input)
  outcomes.forEach((outcome, i) => {
    const { slot, key, stamped } = misses[i]!
    if ('error' in outcome) return void errors.push(outcomeError(outcome.error))
    slots[slot] = outcome.ok
    if (outcome.derived) derived.set(outcome.ok as Post, outcome.derived)
    if (outcome.memo) input.cache?.set(memoKey(input, misses[i]!.file.path), outcome.memo)
    if (key) {
      input.cache?.set(key, outcome.ok)
      kept.set(key, outcome.ok)
      if (stamped) stamps.set(stamped.file, { stamp: stamped.stamp, salt: stamped.salt, key })
    }
  })
}
