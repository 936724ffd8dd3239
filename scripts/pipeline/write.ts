/**
 * Stage "write": the build's output, all or nothing. A folder of assets is
 * written beside its final place and renamed over it only when complete;
 * blobs are content-addressed files written before the manifest that names
 * them, which is renamed into place last. Either way a failed build leaves the
 * previous output whole. Nothing is ever written outside the folders the
 * caller names.
 */

import { createHash } from 'node:crypto'
import { readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cp, lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import type { BlobLedger } from './blob-ledger.ts'
import { BuildError } from './errors.ts'

export interface OutputFile {
  /** Path relative to its output folder. */
  path: string
  data: string | Uint8Array
}

export interface OutputTree {
  dir: string
  files: OutputFile[]
  /** Folders copied in whole: [source, path relative to the output folder]. */
  copies?: Array<[string, string]>
}

/** Joins a relative path under a root, refusing `..`, absolute paths and NUL. */
export function safeJoin(root: string, path: string): string {
  if (path.includes('\0')) throw new BuildError(path, 'an output path contains a NUL character')
  const full = resolve(root, path)
  const rel = relative(resolve(root), full)
  if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..') || resolve(path) === path) {
    throw new BuildError(path, 'an output path would leave the output folder; remove `..` or the leading `/`')
  }
  return full
}

/**
 * A symbolic link in a copied folder (content/assets) could point anywhere on
 * the machine and be served from there: it is an error naming the file.
 */
async function noLinks(root: string, file: string): Promise<boolean> {
  if ((await lstat(file)).isSymbolicLink()) {
    throw new BuildError(relative(dirname(root), file).split(sep).join('/'), 'is a symbolic link; copy the file itself into content/assets/')
  }
  return true
}

async function stage(tree: OutputTree): Promise<string> {
  const tmp = `${tree.dir}.tmp-${process.pid}`
  await rm(tmp, { recursive: true, force: true })
  try {
    await mkdir(tmp, { recursive: true })
    for (const [source, target] of tree.copies ?? []) {
      await cp(source, safeJoin(tmp, target), { recursive: true, preserveTimestamps: true, filter: (from) => noLinks(source, from) })
    }
    for (const file of tree.files) {
      const full = safeJoin(tmp, file.path)
      await mkdir(dirname(full), { recursive: true })
      await writeFile(full, file.data)
    }
  } catch (error) {
    await rm(tmp, { recursive: true, force: true })
    throw error
  }
  return tmp
}

/** Writes every tree to a temporary sibling first, then swaps them all in. */
export async function writeTrees(trees: OutputTree[]): Promise<void> {
  const staged: Array<[string, string]> = []
  try {
    for (const tree of trees) staged.push([await stage(tree), tree.dir])
  } catch (error) {
    await Promise.all(staged.map(([tmp]) => rm(tmp, { recursive: true, force: true })))
    throw error
  }
  for (const [tmp, dir] of staged) {
    const old = `${dir}.old-${process.pid}`
    await rm(old, { recursive: true, force: true })
    const hadOld = await rename(dir, old).then(
      () => true,
      () => false,
    )
    try {
      await rename(tmp, dir)
    } catch (error) {
      // Put the previous output back: a failed build never leaves a hole.
      if (hadOld) await rename(old, dir)
      await rm(tmp, { recursive: true, force: true })
      throw error
    }
    await rm(old, { recursive: true, force: true })
  }
}

/**
 * Writes one file whole or not at all: a temporary sibling, then a rename.
 * Synchronously, behind its promise: the kernel takes a file of some KB into
 * its page cache in microseconds, where each awaited step (open, write,
 * close, rename) is a trip through libuv's thread pool, queued behind the
 * build's other I/O; a one-post edit writes ~20 files (its new blobs, the
 * manifest, the records kept beside the cache), ~0.5 ms each that way.
 * Many files at once are another matter: see writeQueued.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`
  try {
    writeFileSync(tmp, data)
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, { force: true })
    throw error
  }
}

/**
 * writeFileAtomic through libuv's pool, for a batch of many files written at
 * once (a cold build's blobs), whose writes overlap there: one after another
 * on this thread, a 1,000-post build's ~2,000 blobs took 1.4–1.7× as long.
 */
async function writeQueued(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`
  try {
    await writeFile(tmp, data)
    await rename(tmp, file)
  } catch (error) {
    await rm(tmp, { force: true })
    throw error
  }
}

/** Fresh blobs from which writeBlobs writes them through the pool (writeQueued). */
const QUEUED_FROM = 32

/**
 * Whether a blob's bytes are what its name says: its name is the first 32 hex
 * digits of the SHA-256 of its JSON (manifest.ts BlobStore). The one check
 * the build (rewriting a tampered file), `npm run seed` and the deploy
 * (refusing one) share.
 */
export function blobIntact(hash: string, json: string): boolean {
  return createHash('sha256').update(json, 'utf8').digest('hex').slice(0, 32) === hash
}

/** The one-line refusal of a blob that fails blobIntact. */
export function tamperedBlob(hash: string): Error {
  return new Error(`blob ${hash} does not match its hash (a file under dist/blobs/ was changed after the build); run \`npm run build\` to rewrite it`)
}

/** What identifies one state of a file's bytes, as far as a stat can tell. */
export async function stampOf(file: string): Promise<string | undefined> {
  return statStamp(file)?.stamp
}

/**
 * Synchronous, as readdir in blobsOnDisk: a build checks every kept blob, and
 * a stat the kernel has cached takes microseconds where an awaited one is a
 * trip through libuv's pool (1,000 posts: ~15 ms against ~40 ms for 800).
 */
function statStamp(file: string): { size: number; stamp: string } | undefined {
  const s = statSync(file, { throwIfNoEntry: false })
  return s && { size: s.size, stamp: `${s.size}:${s.mtimeMs}:${s.ctimeMs}` }
}

/**
 * Files already compared, by path and stamp: `npm start` rebuilds on every
 * save, and reads each kept blob once, not on each rebuild. A ledger
 * (blob-ledger.ts) carries the same knowledge to a new process.
 */
const verified = new Map<string, string>()

/** Whether the file holds exactly `json` (the build's own bytes for that hash). */
async function intactOnDisk(file: string, name: string, text: () => string, ledger?: BlobLedger): Promise<boolean> {
  const seen = statStamp(file)
  if (!seen) return false
  const { size, stamp } = seen
  if (verified.get(file) === stamp || ledger?.checked(name, stamp)) {
    ledger?.note(name, stamp)
    return true
  }
  // Only a file the ledger cannot vouch for needs the text (which a blob named beforehand makes now, blob-texts.ts).
  const json = text()
  const same = size === Buffer.byteLength(json) && (await readFile(file, 'utf8')) === json
  if (same) {
    verified.set(file, stamp)
    ledger?.note(name, stamp)
  }
  return same
}

/** A blob's file under a blobs folder: 256 subfolders by the hash's first two digits. */
export const blobFile = (dir: string, hash: string): string => join(dir, hash.slice(0, 2), `${hash}.json`)

/** A folder's names; none when it is missing or unreadable. */
function listing(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** The hashes of the blob files a blobs folder holds. */
export async function blobsOnDisk(dir: string): Promise<Set<string>> {
  const out = new Set<string>()
  for (const sub of listing(dir)) {
    if (!/^[0-9a-f]{2}$/.test(sub)) continue
    for (const name of listing(join(dir, sub))) {
      const m = /^([0-9a-f]{32})\.json$/.exec(name)
      if (m) out.add(m[1]!)
    }
  }
  return out
}

/**
 * Stage "write", for blobs: content-addressed files, so a file that exists
 * already holds the right bytes and only new blobs are written (each whole, via
 * a rename). Call `prune` once whatever reads them points at the new set; it
 * saves the ledger too, when there is one.
 */
export async function writeBlobs(
  dir: string,
  blobs: ReadonlyMap<string, string>,
  ledger?: BlobLedger,
): Promise<{ written: number; prune: () => Promise<number> }> {
  const present = await blobsOnDisk(dir)
  const kept = [...blobs.keys()].filter((h) => present.has(h))
  const damaged = new Set<string>()
  for (let i = 0; i < kept.length; i += 64) {
    await Promise.all(kept.slice(i, i + 64).map(async (h) => void ((await intactOnDisk(blobFile(dir, h), h, () => blobs.get(h)!, ledger)) || damaged.add(h))))
  }
  // A file whose bytes are not its name's is written again, however it got that way.
  const fresh = [...blobs.keys()].filter((h) => !present.has(h) || damaged.has(h))
  await Promise.all([...new Set(fresh.map((h) => h.slice(0, 2)))].map((sub) => mkdir(join(dir, sub), { recursive: true })))
  const write = fresh.length >= QUEUED_FROM ? writeQueued : writeFileAtomic
  for (let i = 0; i < fresh.length; i += 64) {
    await Promise.all(
      fresh.slice(i, i + 64).map(async (h) => {
        const file = blobFile(dir, h)
        await write(file, blobs.get(h)!)
        // Stamped as written, so the next build (in any process) need not read it back.
        if (ledger) ledger.note(h, await stampOf(file))
      }),
    )
  }
  const prune = async () => {
    const stale = [...present].filter((h) => !blobs.has(h))
    for (let i = 0; i < stale.length; i += 64) await Promise.all(stale.slice(i, i + 64).map((h) => rm(blobFile(dir, h), { force: true })))
    for (const h of stale) ledger?.forget(h)
    await ledger?.save()
    return stale.length
  }
  return { written: fresh.length, prune }
}
