/**
 * Related-post lists kept beside the render cache, so a build in a new
 * process scores them only when what they depend on changed. assemble.ts
 * keys each epoch's lists by a hash of every post's path, title, date and
 * tags (relatedOf's signature): an edit to a body or a description keeps it,
 * and scoring 1,000 posts again cost ~50 ms of every rebuild. The record is
 * about one renderer version (cache.ts), since the scoring is code; another
 * version, a damaged file or none is no record, and the lists are scored as
 * before (kept-json.ts).
 */


import type { PostLink } from '../../src/shared/schema.ts'
import { readKept, writeKept } from './kept-json.ts'
import type { AssemblyMemo } from './session.ts'

const FILE = 'related.json'
const VERSION = 1

type Lists = Array<[path: string, related: PostLink[]]>
/** Signature → each post's list, the build's epochs in order. */
type Entries = Array<[signature: string, lists: Lists]>

const isLink = (l: unknown): l is PostLink => typeof l === 'object' && l !== null && typeof (l as PostLink).path === 'string' && typeof (l as PostLink).title === 'string'
const isLists = (x: unknown): x is Lists => Array.isArray(x) && x.every((e) => Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1]) && e[1].every(isLink))
const isEntries = (x: unknown): x is Entries => Array.isArray(x) && x.every((e) => Array.isArray(e) && typeof e[0] === 'string' && isLists(e[1]))

/** A session's first build: the memo filled with the lists the last build in `cacheDir` left. */
export async function restoreRelated(memo: AssemblyMemo, cacheDir: string, renderer: string): Promise<void> {
  if (memo.related.size > 0) return
  const entries = (await readKept(cacheDir, FILE, VERSION, renderer))?.entries
  if (!isEntries(entries)) return
  for (const [signature, lists] of entries) memo.related.set(signature, new Map(lists))
  memo.relatedOnDisk = entries.map(([signature]) => signature).join()
}

/** Writes the lists of this build's `epochs` epochs (the memo's newest entries), unless the file holds them already. */
export async function keepRelated(memo: AssemblyMemo, cacheDir: string, renderer: string, epochs: number): Promise<void> {
  const entries = [...memo.related].slice(-epochs)
  const signatures = entries.map(([signature]) => signature).join()
  if (signatures === memo.relatedOnDisk) return
  if (await writeKept(cacheDir, FILE, VERSION, renderer, { entries: entries.map(([signature, lists]) => [signature, [...lists]]) })) memo.relatedOnDisk = signatures
}
