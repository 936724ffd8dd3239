/**
 * Stage "read": every discovered file, read (sources.ts) and looked up by its
 * render-cache key, first among the posts the session kept, then in the render
 * cache on disk. What neither has is a miss, for the render stage.
 *
 * An entry the cache has is parsed only by settle(), which the render stage
 * calls once it has given the misses to the worker: in an edit's build the
 * ~160 kept posts are parsed while the edited one renders, not before.
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
  /** Files whose entry the cache has, not parsed yet (settle). */
  pending: Pending[]
}

/** A file found in the cache by its key, to parse into its slot: by its stamp (its found file, to read should the entry not parse) or as read. */
interface Pending {
  slot: number
  key: string
  stamped?: { file: string; stamp: string; salt: string }
  from: Found | SourceFile
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

/** A file the session kept (`unread`) or the cache has, unchanged on disk, found without reading it. */
interface Unread {
  unread?: Post | Page
  key: string
  stamp: string
}

// Reads run one batch ahead of the cache look-ups.
const BATCH = 64

export async function readAll(input: ReadInput): Promise<Read> {
  const { found, cache } = input
  const out: Read = { slots: [], misses: [], errors: [], kept: new Map(), cached: 0, stamps: new Map(), fresh: [], pending: [] }
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
      const hit = 'key' in got ? got : lookUp(input, siteKey, out, { slot, file: got.source, stamped })
      if (!hit) continue
      if (hit.unread) keep(input, out, slot, { key: hit.key, stamped }, hit.unread)
      else out.pending.push({ slot, key: hit.key, stamped, from: 'source' in got ? got.source : found[start + i]! })
    }
  }
  return out
}

/** A kept file's post in its slot, and noted as kept (with its stamp) for the session and the cache. */
function keep(input: Pick<ReadInput, 'cache' | 'progress'>, out: Read, slot: number, hit: Pick<Pending, 'key' | 'stamped'>, item: Post | Page): void {
  input.cache?.keep(hit.key, item)
  out.kept.set(hit.key, item)
  if (hit.stamped) out.stamps.set(hit.stamped.file, { stamp: hit.stamped.stamp, key: hit.key, salt: hit.stamped.salt })
  out.cached++
  out.slots[slot] = item
  input.progress()
}

/**
 * The pending files' posts, parsed from the cache into their slots, and the
 * rest of the cache read (the render stage calls it once the worker has the
 * misses, to do this meanwhile). An entry that is lost or does not parse is
 * read from its file and returned as a miss, for the render stage to render
 * after the others.
 */
export async function settle(out: Read, input: Pick<ReadInput, 'cache' | 'contentDir' | 'progress'>): Promise<Miss[]> {
  const late: Miss[] = []
  for (const p of out.pending) {
    const item = input.cache?.get<Post & Page>(p.key)
    if (item) keep(input, out, p.slot, p, item)
    else late.push({ slot: p.slot, key: p.key, stamped: p.stamped, file: 'text' in p.from ? p.from : await read(input.contentDir, p.from.kind, p.from.file) })
  }
  out.pending = []
  out.misses.push(...late)
  // The packs no kept file's entry was in: the derive stage looks its values up there next.
  input.cache?.ensureAll()
  return late
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
    // The session's post, else the cache's entry for that key, looked up and parsed by settle() (which
    // reads the file should the cache have lost the entry): its pack is not read before the worker has its job.
    const unread = input.session.posts.get(known.key)
    if (unread || input.cache) return { unread, key: known.key, stamp }
  }
  return { source: await read(input.contentDir, kind, file), stamp }
}

/** A read file in the session's kept posts or the render cache (parsed later); a miss is noted in `out`. */
function lookUp(input: ReadInput, siteKey: string, out: Read, miss: Miss): { unread?: Post | Page; key: string } | undefined {
  const key = keyOf(input, siteKey, miss.file)
  const unread = key ? input.session.posts.get(key) : undefined
  if (unread || (key && input.cache?.has(key))) return { unread, key: key! }
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
