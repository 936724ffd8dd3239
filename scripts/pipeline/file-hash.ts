/**
 * A file's sha256, remembered for as long as the process runs by the file's
 * identity and change stamps (inode, size, mtime, ctime): the public/ check
 * hashes every static file on each build, and under `npm start` that was most
 * of a one-post rebuild (~900 sequential reads of a 5.5 MB static/ on the
 * 168-post imported blog, ~1 s of a 1.5 s rebuild on the loaded 2-core
 * machine). A write moves mtime and ctime (POSIX stat, st_mtim/st_ctim), so
 * a changed file is read again; one `npm run build` hashes each file once,
 * as before.
 */

import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { stampOf } from './sources.ts'

const known = new Map<string, { stamp: string; hash: string }>()

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
