/**
 * A file's sha256, remembered by the file's identity and change stamps
 * (inode, size, mtime, ctime): the public/ check hashes every static file on
 * each build, and under `npm start` that was most of a one-post rebuild (~900
 * sequential reads of a 5.5 MB static/ on the 168-post imported blog, ~1 s
 * of a 1.5 s rebuild on the loaded 2-core machine). A write moves mtime and
 * ctime (POSIX stat, st_mtim/st_ctim), so a changed file is read again.
 *
 * Kept for as long as the process runs, and beside the render cache for the
 * next process (restoreFileHashes, keepFileHashes): `npm run build` after an
 * edit read all of static/ and public/ again, twice (the same blog: ~100 ms
 * of a ~700 ms build).
 */

import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { keepIfChanged, readKept } from './kept-json.ts'
import { stampOf } from './sources.ts'

const known = new Map<string, { stamp: string; hash: string }>()

const FILE = 'file-hashes.json'
const VERSION = 1
/** What the cache folder holds, to write it only when it changed. */
let onDisk: string | undefined

type Entries = Array<[path: string, stamp: string, hash: string]>
const isEntries = (x: unknown): x is Entries => Array.isArray(x) && x.every((e) => Array.isArray(e) && e.length === 3 && e.every((v) => typeof v === 'string'))

/** A process's first build: the hashes an earlier process kept in `cacheDir`. */
export async function restoreFileHashes(cacheDir: string): Promise<void> {
  if (onDisk !== undefined) return
  onDisk = ''
  const record = await readKept(cacheDir, FILE, VERSION, '')
  if (!isEntries(record?.files)) return
  for (const [path, stamp, hash] of record.files) if (!known.has(path)) known.set(path, { stamp, hash })
  onDisk = JSON.stringify(record.files)
}

/** Keeps this process's hashes in `cacheDir` for the next, unless the record holds them already. */
export async function keepFileHashes(cacheDir: string): Promise<void> {
  const files: Entries = [...known].map(([path, { stamp, hash }]) => [path, stamp, hash])
  onDisk = await keepIfChanged(cacheDir, FILE, VERSION, '', 'files', files, onDisk)
}

/** The file's sha256 (hex), or undefined when `path` is not a regular file. */
export async function fileSha256(path: string): Promise<string | undefined> {
  const stamp = stampOf(path)
  if (stamp === undefined) return undefined
  const seen = known.get(path)
  if (seen?.stamp === stamp) return seen.hash
  const hash = createHash('sha256').update(await readFile(path)).digest('hex')
  known.set(path, { stamp, hash })
  return hash
}

/** `fileSha256` of each of `paths`, at most `parallel` at a time, in order. */
export async function fileHashes(paths: string[], parallel = 32): Promise<Array<string | undefined>> {
  const out: Array<string | undefined> = []
  for (let i = 0; i < paths.length; i += parallel) out.push(...(await Promise.all(paths.slice(i, i + parallel).map(fileSha256))))
  return out
}
