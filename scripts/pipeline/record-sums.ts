/**
 * The sums (hash, bytes, length) of each post's page body and feed entry,
 * kept beside the render cache, so a build in a new process names an
 * unchanged post's two largest records without stringifying and hashing them
 * (at 1,000 posts ~40 MB, most of an edit's rebuild); their JSON is then made
 * only if something reads it (blob-texts.ts), which for a post nobody edited
 * is nothing: its blobs are on disk and in KV already.
 *
 * A sum is kept by the post's render-cache key (read.ts), which hashes its
 * source, path, settings and the renderer's code: a post read under that key
 * is the same object of the same values, and its records the same function
 * of them, of the build's edit date for it (in the sum's key), and of nothing
 * else. A copy the images stage made (measured images) is keyed by that key
 * and the hashes of its images' files, of which it is a function too
 * (images.ts). A post the link stage made anew (`post_url`) is not the object
 * read under its key, so it has no key here and is hashed as before. Another
 * renderer version, a damaged file or none is no sums at all (kept-json.ts).
 */

import { keepIfChanged, readKept } from './kept-json.ts'
import { hashedOf, lazyHashed, type BlobSum, type Hashed } from './manifest.ts'

const FILE = 'record-sums.json'
const VERSION = 1
const HASH = /^[0-9a-f]{32}$/

type Entries = Array<[key: string, hash: string, bytes: number, units: number]>

const isEntries = (x: unknown): x is Entries =>
  Array.isArray(x) && x.every((e) => Array.isArray(e) && typeof e[0] === 'string' && HASH.test(e[1]) && Number.isInteger(e[2]) && Number.isInteger(e[3]))

export class RecordSums {
  /** As an earlier process left them. */
  private stored = new Map<string, BlobSum>()
  /** This build's, to keep for the next. */
  private used = new Map<string, BlobSum>()
  /** What the cache folder holds (restore, keep), to write it only when it changed. */
  private onDisk?: string
  /** This build's posts by the render-cache key each was read under (read.ts keysByPost). */
  private keys: ReadonlyMap<object, string> = new Map()
  /** Records already hashed, by object: the blob store's (manifest.ts), where a named record goes too. */
  private memo = new WeakMap<object, Hashed>()

  /** Starts a build: its posts' keys, the store's memo, and nothing used yet. */
  begin(keys: ReadonlyMap<object, string>, memo: WeakMap<object, Hashed>): void {
    this.keys = keys
    this.memo = memo
    this.used = new Map()
  }

  /** The key of `kind` of a post's records, when the post is the object read under its render-cache key. */
  keyOf(post: object, kind: string, editedAt: number | undefined): string | undefined {
    const key = this.keys.get(post)
    return key && `${key}\t${kind}\t${editedAt ?? ''}`
  }

  /** `value` hashed (manifest.ts hashedOf), or named by its sum from an earlier build when `key` has one; kept for the next. */
  hashed(value: object, key: string | undefined): Hashed {
    const memo = this.memo
    let known = memo.get(value)
    if (!known && key !== undefined) {
      const sum = this.stored.get(key)
      if (sum) memo.set(value, (known = lazyHashed(value, sum)))
    }
    known ??= hashedOf(value, memo)
    if (key !== undefined) this.mark(key, known)
    return known
  }

  /** Keeps the sum of a record made by an earlier build of this process. */
  mark(key: string, known: BlobSum): void {
    this.used.set(key, { hash: known.hash, bytes: known.bytes, units: known.units })
  }

  /** A process's first build: the sums the last build in `cacheDir` left. */
  async restore(cacheDir: string, renderer: string): Promise<void> {
    if (this.onDisk !== undefined) return
    this.onDisk = ''
    const entries = (await readKept(cacheDir, FILE, VERSION, renderer))?.entries
    if (!isEntries(entries)) return
    for (const [key, hash, bytes, units] of entries) this.stored.set(key, { hash, bytes, units })
    this.onDisk = JSON.stringify(entries)
  }

  /** Writes this build's sums, unless the file holds them already. */
  async keep(cacheDir: string, renderer: string): Promise<void> {
    const entries: Entries = [...this.used].map(([key, s]) => [key, s.hash, s.bytes, s.units])
    this.onDisk = await keepIfChanged(cacheDir, FILE, VERSION, renderer, 'entries', entries, this.onDisk)
    this.stored = this.used
  }
}
