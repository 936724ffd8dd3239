/**
 * Stage "render": the files the read stage missed are parsed and rendered on
 * the pool (render-pool.ts) and stored in the render cache; every file's post
 * or page comes out in discovery order, with every error in file order.
 */

import { relative, sep } from 'node:path'
import type { SiteConfig } from '../../src/shared/schema.ts'
import type { RenderCache } from './cache.ts'
import type { BuildError } from './errors.ts'
import type { Page, Post } from './posts.ts'
import type { Read } from './read.ts'
import type { Found } from './sources.ts'

export interface RenderInput {
  contentDir: string
  found: Found[]
  site: SiteConfig
  nowMs: number
  cache?: RenderCache
  parallel: boolean
  progress: () => void
}

export interface Rendered {
  posts: Post[]
  pages: Page[]
  errors: BuildError[]
}

export async function render(read: Read, input: RenderInput): Promise<Rendered> {
  if (read.misses.length) await renderMisses(read, input)
  const out: Rendered = { posts: [], pages: [], errors: read.errors }
  input.found.forEach(({ kind }, i) => {
    const built = read.slots[i]
    if (built) (kind === 'page' ? out.pages : out.posts).push(built as Post & Page)
  })
  // Errors in the order of the files, however they were found.
  const order = new Map(input.found.map(({ file }, i) => [relative(input.contentDir, file).split(sep).join('/'), i]))
  out.errors.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0))
  return out
}

/** Renders the misses into their slots, keeping each in the cache and the session. */
async function renderMisses({ slots, misses, kept, errors }: Read, input: RenderInput): Promise<void> {
  // The renderer (marked, highlight.js, the front-matter parser) is loaded only when there is
  // something to render: a warm build with nothing changed spends no start-up on it.
  const { buildSources, outcomeError } = await import('./render-pool.ts')
  const outcomes = await buildSources(
    misses.map((m) => m.file),
    input.site,
    input.nowMs,
    { parallel: input.parallel, onEach: input.progress },
  )
  outcomes.forEach((outcome, i) => {
    const { slot, key } = misses[i]!
    if ('error' in outcome) return void errors.push(outcomeError(outcome.error))
    slots[slot] = outcome.ok
    if (key) {
      input.cache?.set(key, outcome.ok)
      kept.set(key, outcome.ok)
    }
  })
}
