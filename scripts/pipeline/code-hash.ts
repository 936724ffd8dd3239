/**
 * Hashes of Kumo's own source files (the renderer's version, cache.ts; the
 * templates', assets.ts), kept from one process to the next by the files'
 * stat stamps. Each build in a new process hashed them again: ~150 files and
 * package-lock.json read for the renderer, ~60 for the templates, ~25 ms of a
 * one-post edit's ~300 (159 posts). A write moves a file's ctime, which no
 * tool sets back (sources.ts stampOf), so a changed, added or removed file
 * changes the stamps and the files are read and hashed again; the
 * up-to-date check (up-to-date.ts) trusts the same stamps.
 *
 * The record is about the code, not the content, so it lives in the
 * checkout's own `.kumo/`, beside the command bundles, for every content
 * folder and cache. Best effort (kept-json.ts): a missing or damaged record
 * only costs the reads it saves.
 */

import { fileURLToPath } from 'node:url'
import { readKept, writeKept } from './kept-json.ts'
import { sha256 } from './manifest.ts'
import { entriesUnder, stampOf } from './sources.ts'

const KEPT_DIR = fileURLToPath(new URL('../../.kumo/', import.meta.url))
const VERSION = 1

/** The files under `dir` (absolute) whose names match `pattern`, relative to `dir` with `/`, in name order. */
export function filesUnder(dir: string, pattern: RegExp): string[] {
  return entriesUnder(dir)
    .map((f) => f.replaceAll('\\', '/'))
    .filter((f) => pattern.test(f))
    .sort()
}

/**
 * `hash()`, the hash of `files` (absolute paths), or the one kept under
 * `name` when every file is stamped as it was when that was made.
 */
export async function hashByStamps(name: string, files: string[], hash: () => Promise<string>, dir = KEPT_DIR): Promise<string> {
  const stamps = sha256(files.map((f) => `${f}\0${stampOf(f) ?? ''}`).join('\n'))
  const record = `${name}.json`
  const kept = await readKept(dir, record, VERSION, stamps)
  if (typeof kept?.hash === 'string') return kept.hash
  const made = await hash()
  await writeKept(dir, record, VERSION, stamps, { hash: made })
  return made
}
