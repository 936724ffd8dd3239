/**
 * Stage "render": the files the read stage missed are parsed and rendered on
 * the pool (render-pool.ts) and stored in the render cache; every file's post
 * or page comes out in discovery order, with every error in file order. With
 * a render cache, each new post's derive values (derive.ts) are made beside
 * its render, on the same thread, and handed to derive.
 */

import { relative, sep } from 'node:path'
import type { SiteConfig } from '../../src/shared/schema.ts'
import type { RenderCache } from './cache.ts'
import type { BuildError } from './errors.ts'
import type { Page, Post } from './posts.ts'
import type { Read } from './read.ts'
import { buildSources, EARLY_MIN_FILES, openPool, outcomeError, PARALLEL_MIN_FILES, type Derived, type Pool } from './render-pool.ts'
import type { Found } from './sources.ts'

export interface RenderInput {
  contentDir: string
  found: Found[]
  site: SiteConfig
  nowMs: number
  cache?: RenderCache
  /** The worker thread, when the build opened it at its start (render-pool.ts openPool). */
  pool?: Pool
  parallel: boolean
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
function poolFor(count: number, input: RenderInput): Pool | undefined {
  if (input.pool && count >= EARLY_MIN_FILES) return input.pool
  input.pool?.close()
  return input.parallel && count >= PARALLEL_MIN_FILES ? openPool() : undefined
}

export async function render(read: Read, input: RenderInput): Promise<Rendered> {
  const { slots, misses, kept, errors } = read
  const outcomes = await buildSources(
    misses.map((m) => m.file),
    input.site,
    input.nowMs,
    { pool: poolFor(misses.length, input), derive: input.cache !== undefined, onEach: input.progress },
  )
  const derived = new WeakMap<Post, Derived>()
  outcomes.forEach((outcome, i) => {
    const { slot, key } = misses[i]!
    if ('error' in outcome) return void errors.push(outcomeError(outcome.error))
    slots[slot] = outcome.ok
    if (outcome.derived) derived.set(outcome.ok as Post, outcome.derived)
    if (key) {
      input.cache?.set(key, outcome.ok)
      kept.set(key, outcome.ok)
    }
  })
  const out: Rendered = { posts: [], pages: [], errors, derived }
  input.found.forEach(({ kind }, i) => {
    const built = slots[i]
    if (built) (kind === 'page' ? out.pages : out.posts).push(built as Post & Page)
  })
  // Errors in the order of the files, however they were found.
  const order = new Map(input.found.map(({ file }, i) => [relative(input.contentDir, file).split(sep).join('/'), i]))
  errors.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0))
  return out
}
