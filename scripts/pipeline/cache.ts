/**
 * The content-hash cache: a rebuild of unchanged content reuses the earlier
 * parse + render of each file (the costly part: Markdown, highlighting).
 *
 * An entry's key is the sha256 of everything its output depends on: the source
 * text and path, the site config, and the renderer version (a hash of every
 * build and shared module and of package-lock.json, so changing the renderer or
 * upgrading marked or highlight.js invalidates every entry). Entries a successful build
 * did not use are dropped, so the cache never grows past one build's worth.
 */

import { readFileSync } from 'node:fs'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { filesUnder, hashByStamps } from './code-hash.ts'
import { sha256 } from './manifest.ts'
import { readKept, writeKept } from './kept-json.ts'
import type { Stamped } from './read.ts'
import { writeFileAtomic } from './write.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

// The code a cached Post may depend on: every build module and shared module
// (listing them one by one would go stale as imports change), and the lock file.
const RENDERER_DIRS = ['scripts/pipeline', 'src/shared']

let version: Promise<string> | undefined

/** Hash of the renderer's code and locked dependencies, read again only when a file's stamp moved (code-hash.ts). */
export function rendererVersion(): Promise<string> {
  version ??= (() => {
    const files = [...RENDERER_DIRS.flatMap((d) => filesUnder(join(ROOT, d), /\.tsx?$/).map((f) => `${d}/${f}`)).sort(), 'package-lock.json']
    const read = async () => {
      const parts = await Promise.all(files.map(async (f) => `${f}\0${await readFile(join(ROOT, f), 'utf8').catch(() => '')}`))
      return sha256(parts.join('\0'))
    }
    return hashByStamps('renderer-version', files.map((f) => join(ROOT, f)), read)
  })()
  return version
}

/**
 * Entries are kept in 256 pack files (`pack-<first two hex digits of key>.ndjson`,
 * one `<key> <entry>` line each, packEntries), read once per process and rewritten only when
 * something in them changed: 256 files instead of one per post keeps a warm
 * 10,000-post build from spending its time opening files, and a one-post edit
 * rewrites a few packs of ~1 MB rather than a sixteenth of the cache each.
 */
const packName = (shard: string) => `pack-${shard}.ndjson`

/**
 * Marks a key whose entry is kept apart (sideKey): a post's search terms, a
 * third of the cache's text, which a build reads only for the posts whose
 * postings it lays out again (an edit: the edited one and its last version),
 * so they are in packs of their own (`pack-t-<xx>.ndjson`), each read only
 * when one of its entries is asked for. Such a key is this and the hash.
 */
const SIDE_MARK = 't'
const shardOf = (key: string) => (key.length === 65 ? `${SIDE_MARK}-${key.slice(1, 3)}` : key.slice(0, 2))

/**
 * Packs are written in UTF-16LE, the form V8 keeps non-Latin-1 strings in: a
 * warm build reads the whole cache, and decoding it is then a copy, where
 * UTF-8 of CJK-heavy posts decoded at ~400 MB/s (1,000 posts: 30 MB, 74 ms,
 * against 25 ms for the 47 MB of UTF-16). A pack in another encoding (an
 * older cache) has no line that starts with a key, so it is empty: its posts
 * are rendered again and the pack rewritten.
 */
const PACK_ENCODING = 'utf16le'
/** A line's key and the space after it, where a line starts (sticky: tested at lastIndex). */
const KEY_AT = /[0-9a-f]{64} /y

/**
 * The stat stamps of the source files the last build read, with the key each
 * had (read.ts Stamped), so a build in a new process looks an unchanged file
 * up by its stamp, as a rebuild in the same process does, instead of reading
 * and hashing it again (at 1,000 posts, ~15 MB). A stamp holds size, mtime,
 * ctime and inode (sources.ts stampOf), as the up-to-date check's do: a write
 * moves ctime, which no tool can set back. Kept under one salt (the renderer
 * and the settings); another salt, a damaged file or none is no stamp at all,
 * so a stale record costs reads, never a wrong post (kept-json.ts).
 */
const STAMPS = 'read-stamps.json'
const STAMPS_VERSION = 1

type StoredStamps = {
  salt: string
  /** Absolute path → [stamp, key]. */
  files: Record<string, [string, string]>
}

/** Whether `dir` holds any render cache pack: without one, a build renders every file. */
export async function hasPacks(dir: string): Promise<boolean> {
  return (await readdir(dir).catch(() => [] as string[])).some((name) => name.startsWith('pack-') && name.endsWith('.ndjson'))
}

export class RenderCache {
  private readonly stored = new Map<string, string>()
  /** The packs read into `stored` so far: each is read when a key in it is first looked up (ensure()). */
  private readonly loaded = new Set<string>()
  /** What read-stamps.json holds: as read, then as the last save() wrote it. */
  private onDisk?: Record<string, unknown>
  /** The stamps to write with the next save(), when they differ from onDisk. */
  private nextStamps?: StoredStamps
  private readonly fresh = new Map<string, string>()
  private readonly used = new Set<string>()
  hits = 0
  misses = 0
  private saved = false

  private constructor(private readonly dir: string) {}

  /**
   * Opens the cache in `dir`; a missing or unreadable one is an empty cache.
   * Its packs are read as their keys are looked up: an edit's build looks up
   * the edited file first and has the worker render it while this thread
   * reads the rest (read.ts settle).
   */
  static async open(dir: string): Promise<RenderCache> {
    const cache = new RenderCache(dir)
    // Its salt is known only once the settings are read: stamps() checks it.
    cache.onDisk = await readKept(dir, STAMPS, STAMPS_VERSION)
    return cache
  }

  /**
   * Reads the pack of `key` (its first two hex digits; a sideKey's own) into `stored`, once.
   * Synchronously: nothing else runs meanwhile, and 256 awaited reads through
   * libuv's pool took twice as long (1,000 posts: ~110 ms against ~50 ms).
   */
  private ensure(key: string): void {
    this.load(shardOf(key))
  }

  /** Reads one pack into `stored`, once. */
  private load(shard: string): void {
    if (this.loaded.has(shard)) return
    this.loaded.add(shard)
    const side = shard.startsWith(SIDE_MARK) ? SIDE_MARK : ''
    for (const [key, entry] of packEntries(readPack(join(this.dir, packName(shard))))) this.stored.set(side + key, entry)
  }

  /** Every pack read but those kept apart (sideKey): what iterates `stored` (begin, save) sees all of it; read.ts settle reads the rest while the worker renders. */
  ensureAll(): void {
    for (const shard of SHARDS) this.load(shard)
  }

  /** Whether the cache holds an entry for `key` (not yet parsed: get() parses it and marks it used). */
  has(key: string): boolean {
    this.ensure(key)
    return this.stored.has(key)
  }

  /**
   * The stamps the last build in this folder left for `salt`, each with the
   * key of the file as it was then (read.ts); empty when there are none.
   */
  stamps(salt: string): Map<string, Stamped> {
    const out = new Map<string, Stamped>()
    const stored = this.onDisk
    if (stored?.salt !== salt || typeof stored.files !== 'object' || stored.files === null) return out
    for (const [file, pair] of Object.entries(stored.files)) {
      if (Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string') out.set(file, { stamp: pair[0], key: pair[1], salt })
    }
    return out
  }

  /** The stamps this build's files were read under (read.ts), for save() to write when they differ from the disk's. */
  keepStamps(stamps: ReadonlyMap<string, Stamped>): void {
    const files: Record<string, [string, string]> = {}
    let salt = ''
    for (const [file, s] of stamps) {
      files[file] = [s.stamp, s.key]
      salt = s.salt
    }
    const next: StoredStamps = { salt, files }
    const same = this.onDisk?.salt === salt && JSON.stringify(this.onDisk.files) === JSON.stringify(files)
    this.nextStamps = same ? undefined : next
  }

  key(...parts: string[]): string {
    return sha256(parts.join('\0'))
  }

  get<T>(key: string): T | undefined {
    this.used.add(key)
    this.ensure(key)
    const raw = this.stored.get(key)
    if (raw !== undefined) {
      try {
        const value = decodeEntry<T>(raw)
        this.hits++
        return value
      } catch {
        // a damaged line is a miss
      }
    }
    this.misses++
    return undefined
  }

  /**
   * Starts another build on a cache already open (a BuildSession keeps it):
   * what the last build saved is what is stored now, and nothing is used yet.
   */
  begin(): void {
    // After a save the disk holds exactly the used entries; after a failed build, nothing changed on disk.
    if (this.saved) {
      this.ensureAll()
      for (const key of this.stored.keys()) if (!this.used.has(key)) this.stored.delete(key)
      for (const [key, raw] of this.fresh) this.stored.set(key, raw)
      this.fresh.clear()
    }
    this.saved = false
    this.used.clear()
    this.hits = 0
    this.misses = 0
  }

  /** Marks entries used that the caller already holds the values of. */
  touch(keys: string[]): void {
    for (const key of keys) this.used.add(key)
  }

  /**
   * A value derived from everything `key` was made from (with `key()`, the
   * renderer version among the parts), computed once and kept across builds
   * like a rendered post.
   */
  async memo<T>(key: string, compute: () => T): Promise<T> {
    this.used.add(key)
    this.ensure(key)
    const raw = this.stored.get(key)
    if (raw !== undefined) return decodeEntry<T>(raw)
    const value = compute()
    this.set(key, value)
    return value
  }

  /** A key (from key()) whose entry is kept apart, in packs read only when one of their entries is asked for (SIDE_MARK). */
  sideKey(key: string): string {
    return SIDE_MARK + key
  }

  /**
   * Like memo, but the entry's JSON, for a caller that parses it only if it
   * needs the value (never an object with RAW_FIELDS), and read only then:
   * for a sideKey, its pack is read when the JSON is first asked for. Marked
   * used now. `made`: the value is at hand (a post rendered in this build),
   * kept now as the entry. A value computed later, past the build's save, is
   * not kept: the next build computes it again if it needs it.
   */
  lazyText(key: string, compute: () => unknown, made?: unknown): () => string {
    this.used.add(key)
    if (made !== undefined) this.fresh.set(key, JSON.stringify(made))
    let text: string | undefined
    return () => {
      if (text !== undefined) return text
      text = this.raw(key)
      if (text === undefined) this.fresh.set(key, (text = JSON.stringify(compute())))
      return text
    }
  }

  /**
   * An entry's value without marking it used: what an earlier build kept
   * that this one reads once but does not keep (search-layout.ts).
   */
  peek<T>(key: string): T | undefined {
    const raw = this.raw(key)
    return raw === undefined ? undefined : decodeEntry<T>(raw)
  }

  /** An entry's JSON, kept or made in this build. */
  private raw(key: string): string | undefined {
    this.ensure(key)
    return this.stored.get(key) ?? this.fresh.get(key)
  }

  /** Marks an entry used that the caller had in memory; stores it when the cache lacks it. */
  keep(key: string, value: unknown): void {
    this.used.add(key)
    this.ensure(key)
    if (!this.stored.has(key) && !this.fresh.has(key)) this.fresh.set(key, encodeEntry(value))
  }

  set(key: string, value: unknown): void {
    this.used.add(key)
    this.fresh.set(key, encodeEntry(value))
  }

  /**
   * Forgets every entry: a build with no session to outlive it (the CLI) has
   * no use for them after save(), and at 10,000 posts their JSON is some
   * hundreds of MB that would otherwise stay live through assemble and search.
   */
  release(): void {
    for (const shard of SHARDS) this.loaded.add(shard)
    // A lazyText still to be asked for reads its pack again, as the save left it.
    for (const shard of SIDE_SHARDS) this.loaded.delete(shard)
    this.stored.clear()
    this.fresh.clear()
    this.used.clear()
  }

  /** A pack file's text: one `<key> <json>` line per entry of `keys` that has a value. */
  private packOf(keys: string[]): string {
    const lines: string[] = []
    for (const key of keys) {
      const raw = this.fresh.get(key) ?? this.stored.get(key)
      if (raw !== undefined) lines.push(`${key.length === 65 ? key.slice(1) : key} ${raw}`)
    }
    return lines.length ? `${lines.join('\n')}\n` : ''
  }

  /**
   * Writes the entries this build used (so stale ones are dropped), each pack
   * via a temporary file and a rename. Best effort: a cache that cannot be
   * written only makes the next build slower.
   */
  async save(): Promise<void> {
    // Only packs that gained an entry or lost a stale one are rewritten: after a
    // one-post edit that is a few packs of 256, not the whole cache.
    // A pack kept apart and not read stays as it is, with any stale entry in it until it is next written.
    this.ensureAll()
    const dirty = new Set<string>()
    for (const key of this.fresh.keys()) dirty.add(shardOf(key))
    for (const key of this.stored.keys()) if (!this.used.has(key)) dirty.add(shardOf(key))
    // A dirty pack kept apart but not read yet: read now, so its used entries are written again.
    for (const shard of dirty) this.load(shard)
    this.saved = true
    const stamps = this.nextStamps
    this.nextStamps = undefined
    if (dirty.size === 0 && !stamps) return
    try {
      await mkdir(this.dir, { recursive: true })
      // Should a pack below fail to be written, a stamp naming one of its entries finds no entry: read.ts reads the file.
      if (stamps && (await writeKept(this.dir, STAMPS, STAMPS_VERSION, stamps.salt, { files: stamps.files }))) this.onDisk = stamps
      const keys = new Map<string, string[]>([...dirty].map((s) => [s, []]))
      for (const key of this.used) keys.get(shardOf(key))?.push(key)
      // A few packs at a time: each pack's text is a copy of its entries, and
      // making all 256 at once added ~90 MB to a 3,000-post build's peak.
      const shards = [...keys]
      for (let i = 0; i < shards.length; i += SAVE_BATCH) {
        await Promise.all(shards.slice(i, i + SAVE_BATCH).map(([shard, list]) => writeFileAtomic(join(this.dir, packName(shard)), Buffer.from(this.packOf(list), PACK_ENCODING))))
      }
    } catch {
      // ignored on purpose, see above; the next save writes these entries again
      this.saved = false
    }
  }
}

/**
 * A rendered post's HTML and Markdown, kept beside its entry's JSON rather
 * than inside it: a warm build parses every unchanged post's entry, and in
 * JSON these two strings are most of its characters, each escaped quote and
 * newline decoded on the way (1,000 posts: 12.5 of 14 million characters;
 * parsing the entries took ~45 ms, against ~12 ms for the rest and two
 * slices, which V8 keeps as views into the pack's text, not copies).
 */
const RAW_FIELDS = ['html', 'markdown'] as const
/** Starts an entry with RAW_FIELDS apart; no JSON text starts with it. */
const RAW_MARK = '~'

/**
 * An entry's text: its JSON or, for an object with a string among
 * RAW_FIELDS, `~<length of the JSON>,<length of each field, or ->;` then
 * the JSON, in which each such field is 0 in its place (so the object parses
 * back with its keys in their order), then the fields' text as it is.
 */
export function encodeEntry(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return JSON.stringify(value)
  const fields = value as Record<string, unknown>
  const raw = RAW_FIELDS.map((f) => (typeof fields[f] === 'string' ? (fields[f] as string) : undefined))
  if (raw.every((r) => r === undefined)) return JSON.stringify(value)
  const held: Record<string, unknown> = { ...fields }
  RAW_FIELDS.forEach((f, i) => void (raw[i] !== undefined && (held[f] = 0)))
  const json = JSON.stringify(held)
  return `${RAW_MARK}${json.length},${raw.map((r) => (r === undefined ? '-' : r.length)).join(',')};${json}${raw.join('')}`
}

/** The lengths an entry with RAW_FIELDS apart starts with, and where its JSON starts; undefined if they do not parse. */
function rawHead(text: string, at: number): { json: number; fields: Array<number | undefined>; body: number } | undefined {
  const head = text.indexOf(';', at)
  if (head < 0 || head - at > 64) return undefined
  const [json, ...fields] = text.slice(at + 1, head).split(',').map((n) => (n === '-' ? undefined : /^\d+$/.test(n) ? Number(n) : NaN))
  if (json === undefined || Number.isNaN(json) || fields.length !== RAW_FIELDS.length || fields.some((n) => Number.isNaN(n))) return undefined
  return { json, fields, body: head + 1 }
}

/** An entry's value (encodeEntry's inverse); throws if it is damaged. */
export function decodeEntry<T>(text: string): T {
  if (text[0] !== RAW_MARK) return JSON.parse(text) as T
  const head = rawHead(text, 0)
  if (!head) throw new SyntaxError('damaged cache entry')
  let at = head.body + head.json
  const value = JSON.parse(text.slice(head.body, at)) as Record<string, unknown>
  head.fields.forEach((n, i) => {
    if (n !== undefined) value[RAW_FIELDS[i]!] = text.slice(at, (at += n))
  })
  if (at !== text.length) throw new SyntaxError('damaged cache entry')
  return value as T
}

/**
 * A pack's entries, each `<key> <entry>` and a newline. An entry is a slice
 * of the text (V8 keeps a slice as a view), not a copy made by split(); one
 * with RAW_FIELDS apart ends where its lengths say, the newlines in its HTML
 * being its own. A line that starts with no key (a pack in an older form) is
 * passed over; lengths that overrun the text end the pack there.
 */
export function packEntries(text: string): Array<[key: string, entry: string]> {
  const out: Array<[string, string]> = []
  for (let at = 0; at < text.length; ) {
    KEY_AT.lastIndex = at
    const keyed = KEY_AT.test(text)
    const from = at + 65
    let end: number
    if (keyed && text[from] === RAW_MARK) {
      const head = rawHead(text, from)
      end = head ? head.body + head.json + head.fields.reduce<number>((sum, n) => sum + (n ?? 0), 0) : -1
      if (end < 0 || end > text.length || (end < text.length && text[end] !== '\n')) break
    } else {
      end = text.indexOf('\n', at)
      if (end < 0) end = text.length
    }
    if (keyed) out.push([text.slice(at, at + 64), text.slice(from, end)])
    at = end + 1
  }
  return out
}

/** A pack's text; none when it is missing or unreadable. */
function readPack(file: string): string {
  try {
    return readFileSync(file, PACK_ENCODING)
  } catch {
    return ''
  }
}

/** Packs written at once by save(). */
const SAVE_BATCH = 16

const SHARDS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
const SIDE_SHARDS = SHARDS.map((s) => `${SIDE_MARK}-${s}`)
