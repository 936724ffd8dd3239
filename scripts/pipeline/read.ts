/**
 * Stage "read": every discovered file, read (sources.ts) and looked up by its
 * render-cache key, first among the posts the session kept, then in the render
 * cache on disk. What neither has is a miss, for the render stage.
 */

import type { SiteConfig } from '../../src/shared/schema.ts'
import type { RenderCache } from './cache.ts'
import { BuildError } from './errors.ts'
import { sha256 } from './manifest.ts'
import type { Page, Post } from './posts.ts'
import type { BuildSession } from './session.ts'
import { read, type Found, type SourceFile } from './sources.ts'

export interface ReadInput {
  contentDir: string
  found: Found[]
  site: SiteConfig
  nowMs: number
  session: BuildSession
  cache?: RenderCache
  /** Hash of the renderer's code (cache.ts), or '' when nothing is kept: then no key is computed. */
  renderer: string
  progress: () => void
}

/** A file the session and the cache did not have: its slot in `Read.slots` and its cache key. */
export interface Miss {
  slot: number
  file: SourceFile
  key?: string
}

export interface Read {
  /** One per discovered file, in order: the parsed post or page when it was kept. */
  slots: Array<Post | Page | undefined>
  misses: Miss[]
  /** Files that could not be read (not UTF-8). */
  errors: BuildError[]
  /** Everything this build used, by key: what the session keeps for the next one. */
  kept: Map<string, Post | Page>
  /** How many came from the session or the cache. */
  cached: number
}

// Reads run one batch ahead of the cache look-ups.
const BATCH = 64

export async function readAll(input: ReadInput): Promise<Read> {
  const { found, cache, session } = input
  const out: Read = { slots: [], misses: [], errors: [], kept: new Map(), cached: 0 }
  const siteKey = JSON.stringify(input.site)
  const readBatch = (start: number) =>
    Promise.all(found.slice(start, start + BATCH).map(({ kind, file }) => read(input.contentDir, kind, file).catch((e: unknown) => e)))
  let next = readBatch(0)
  for (let start = 0; start < found.length; start += BATCH) {
    const sources = await next
    next = readBatch(start + BATCH)
    for (const source of sources) {
      const slot = out.slots.push(undefined) - 1
      if (source instanceof BuildError) {
        out.errors.push(source)
        input.progress()
        continue
      }
      if (source instanceof Error) throw source
      const file = source as SourceFile
      const key = keyOf(input, siteKey, file)
      const remembered = key ? (session.posts.get(key) as (Post & Page) | undefined) : undefined
      if (remembered) cache?.keep(key!, remembered)
      const hit = remembered ?? (key ? cache?.get<Post & Page>(key) : undefined)
      if (!hit) {
        out.misses.push({ slot, file, key })
        continue
      }
      out.kept.set(key!, hit)
      out.cached++
      out.slots[slot] = hit
      input.progress()
    }
  }
  return out
}

/** Everything a parsed file depends on. A draft without a date takes the build's now, so its entry depends on it. */
function keyOf({ renderer, nowMs }: ReadInput, siteKey: string, file: SourceFile): string | undefined {
  if (!renderer) return undefined
  return sha256([renderer, siteKey, file.kind, file.path, file.text, file.kind === 'draft' ? String(nowMs) : ''].join('\0'))
}
