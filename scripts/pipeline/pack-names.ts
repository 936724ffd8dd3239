/**
 * The hashes of the last build's packs, by their members, kept beside the
 * render cache (PackMemo.names, packs.ts): a build in a new process joins an
 * unchanged pack's members again but does not hash its text again. A pack's
 * text is its members' JSON in order and each member is named by its own
 * hash, so the members name the text as surely as hashing it does; the pack
 * keeps its name, the SHA-256 of its text, which the upload check
 * (write.ts blobIntact) verifies. A damaged file, another version or none is
 * no names at all: every pack is hashed, as before (kept-json.ts).
 */


import { keepIfChanged, readKept } from './kept-json.ts'
import type { PackMemo } from './packs.ts'

const FILE = 'kv-pack-names.json'
const VERSION = 1
const HASH = /^[0-9a-f]{32}$/

/** [members joined by commas, pack hash] for each pack. */
type Names = Array<[string, string]>

const isNames = (x: unknown): x is Names => Array.isArray(x) && x.every((p) => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string' && HASH.test(p[1]))

/** A process's first build: the names the last build in `cacheDir` gave its packs. */
export async function restorePackNames(memo: PackMemo, cacheDir: string): Promise<void> {
  if (memo.onDisk !== undefined) return
  memo.onDisk = ''
  const packs = (await readKept(cacheDir, FILE, VERSION, ''))?.packs
  if (!isNames(packs)) return
  for (const [members, hash] of packs) memo.names.set(members, hash)
  memo.onDisk = JSON.stringify(packs)
}

/** Writes the names of this build's packs, unless the file holds them already. */
export async function keepPackNames(memo: PackMemo, cacheDir: string): Promise<void> {
  memo.onDisk = await keepIfChanged(cacheDir, FILE, VERSION, '', 'packs', memo.thisBuild(), memo.onDisk)
}
