/**
 * The blob ledger: which blob files under dist/blobs/ a build has already
 * compared byte for byte with its own JSON, by a stamp of the file (size,
 * mtime, ctime). A new process (`npm run build` after `npm run build`) then
 * checks a kept blob with one stat instead of reading it back: at 159 posts
 * that is ~6.5 MB not read on every warm build.
 *
 * It lives in the render cache's folder, not in dist/, so dist/ holds only
 * the build's output. A stamp only ever says "this file was checked"; a file
 * changed since (a write moves its mtime and ctime; `utimes` cannot put ctime
 * back) no longer matches and is read and compared again, and a ledger that is
 * missing, damaged or about another blobs folder is an empty one. So a stale
 * ledger costs reads, never a wrong file.
 */

import { readFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { writeFileAtomic } from './write.ts'

const LEDGER = 'blobs-ledger.json'
const VERSION = 1

interface Stored {
  v: number
  /** The blobs folder the stamps are about (absolute). */
  dir: string
  /** Stamp by blob file name. */
  stamps: Record<string, string>
}

export class BlobLedger {
  private changed = false

  private constructor(
    private readonly dir: string,
    private readonly stamps: Map<string, string>,
    private readonly file: string,
  ) {}

  /** The ledger of blobs folder `dir` (absolute), kept in `cacheDir`. */
  static async open(dir: string, cacheDir: string): Promise<BlobLedger> {
    const file = join(cacheDir, LEDGER)
    const stamps = new Map<string, string>()
    try {
      // Synchronous, as kept-json.ts reads: a record of some KB, where an awaited read waits in libuv's pool.
      const stored = JSON.parse(readFileSync(file, 'utf8')) as Stored
      if (stored.v === VERSION && stored.dir === dir) for (const [name, stamp] of Object.entries(stored.stamps)) if (typeof stamp === 'string') stamps.set(name, stamp)
    } catch {
      // none yet, or unreadable: every kept blob is read once and compared
    }
    return new BlobLedger(dir, stamps, file)
  }

  /** Whether `name` was checked when its file had this stamp. */
  checked(name: string, stamp: string): boolean {
    return this.stamps.get(name) === stamp
  }

  note(name: string, stamp: string | undefined): void {
    if (stamp === undefined || this.stamps.get(name) === stamp) return
    this.stamps.set(name, stamp)
    this.changed = true
  }

  forget(name: string): void {
    this.changed = this.stamps.delete(name) || this.changed
  }

  /** Best effort: a ledger that cannot be written only makes the next build read blobs again. */
  async save(): Promise<void> {
    if (!this.changed) return
    const stored: Stored = { v: VERSION, dir: this.dir, stamps: Object.fromEntries(this.stamps) }
    try {
      await mkdir(dirname(this.file), { recursive: true })
      await writeFileAtomic(this.file, JSON.stringify(stored))
      this.changed = false
    } catch {
      // ignored on purpose, see above
    }
  }
}
