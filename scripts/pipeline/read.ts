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
import { read, stampOf, type Found, type SourceFile } from './sources.ts'

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
  /** The file's absolute path, stamp and salt as read, for the session's stamps once it is rendered. */
  stamped?: { file: string; stamp: string; salt: string }
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
  /** Each kept file's stamp and key: the next build in the session skips reading those still stamped so. */
  stamps: Map<string, Stamped>
  /** The files read from disk: new, or changed since the session's last build (all of them on its first). */
  fresh: Array<Pick<SourceFile, 'kind' | 'path'>>
}

/** A file as the session last read it: its stat stamp (sources.ts) and its render-cache key. */
export interface Stamped {
  stamp: string
  key: string
  /** What else the key hashed (renderer, settings): a stamp holds only while they are the same. */
  salt: string
}

/** A file read, with its stamp when it was taken. */
interface ReadSource {
  source: SourceFile
  stamp?: string
}

/** A file the session kept and that is unchanged on disk, found without reading it. */
interface Unread {
  unread: Post | Page
  key: string
  stamp: string
}

// Reads run one batch ahead of the cache look-ups.
const BATCH = 64

export async function readAll(input: ReadInput): Promise<Read> {
  const { found, cache } = input
  const out: Read = { slots: [], misses: [], errors: [], kept: new Map(), cached: 0, stamps: new Map(), fresh: [] }
  const siteKey = JSON.stringify(input.site)
  const salt = input.renderer + siteKey
  // A new process has no stamps of its own yet: it starts from those the last build left with the cache.
  const stamps = input.session.stamps.size || !cache ? input.session.stamps : cache.stamps(salt)
  const readBatch = (start: number) => Promise.all(found.slice(start, start + BATCH).map((f) => unreadOrRead(input, salt, stamps, f).catch((e: unknown) => e)))
  let next = readBatch(0)
  for (let start = 0; start < found.length; start += BATCH) {
    const sources = await next
    next = readBatch(start + BATCH)
    for (const [i, source] of sources.entries()) {
      const slot = out.slots.push(undefined) - 1
      if (source instanceof BuildError) {
        out.errors.push(source)
        input.progress()
        continue
      }
      if (source instanceof Error) throw source
      const got = source as Unread | ReadSource
      if ('source' in got) out.fresh.push({ kind: got.source.kind, path: got.source.path })
      const path = found[start + i]!.file
      const stamped = got.stamp ? { file: path, stamp: got.stamp, salt } : undefined
      const hit = 'unread' in got ? got : lookUp(input, siteKey, out, { slot, file: got.source, stamped })
      if (!hit) continue
      cache?.keep(hit.key, hit.unread)
      out.kept.set(hit.key, hit.unread)
      if (stamped) out.stamps.set(path, { stamp: stamped.stamp, key: hit.key, salt })
      out.cached++
      out.slots[slot] = hit.unread
      input.progress()
    }
  }
  return out
}

/**
 * A file the session read before (or, in a new process, the last build with
 * this cache: cache.ts read-stamps) and that is stamped as it was then comes
 * back as that post, unread; any other file is read. Drafts are always read:
 * their key depends on the build's now.
 */
async function unreadOrRead(input: ReadInput, salt: string, stamps: ReadonlyMap<string, Stamped>, { kind, file }: Found): Promise<Unread | ReadSource> {
  const stamped = input.renderer && kind !== 'draft'
  const stamp = stamped ? stampOf(file) : undefined
  const known = stamp && stamps.get(file)
  if (known && known.stamp === stamp && known.salt === salt) {
    // The session's post, else the cache's entry for that key; neither (a cache saved only in part): read the file.
    const unread = input.session.posts.get(known.key) ?? input.cache?.get<Post & Page>(known.key)
    if (unread) return { unread, key: known.key, stamp }
  }
  return { source: await read(input.contentDir, kind, file), stamp }
}

/** A read file in the session's kept posts or the render cache; a miss is noted in `out`. */
function lookUp(input: ReadInput, siteKey: string, out: Read, miss: Miss): { unread: Post | Page; key: string } | undefined {
  const key = keyOf(input, siteKey, miss.file)
  const hit = key ? (input.session.posts.get(key) ?? input.cache?.get<Post & Page>(key)) : undefined
  if (hit) return { unread: hit, key: key! }
  out.misses.push({ ...miss, key })
  return undefined
}

/** Everything a parsed file depends on. A draft without a date takes the build's now, so its entry depends on it. */
function keyOf({ renderer, nowMs }: ReadInput, siteKey: string, file: SourceFile): string | undefined {
  if (!renderer) return undefined
  return sha256([renderer, siteKey, file.kind, file.path, file.text, file.kind === 'draft' ? String(nowMs) : ''].join('\0'))
}

/**
 * Each post or page by the render-cache key it was read or rendered under: a
 * function of that key alone, so the key stands for its values where a later
 * stage would otherwise hash them (derive.ts, record-sums.ts). A stage that
 * makes an item anew (link, images) makes an object that is not here.
 */
export function keysByPost(kept: ReadonlyMap<string, Post | Page>): Map<Post | Page, string> {
  const keys = new Map<Post | Page, string>()
  for (const [key, item] of kept) keys.set(item, key)
  return keys
}
