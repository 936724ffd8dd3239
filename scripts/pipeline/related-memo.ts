/**
 * Related-post lists kept beside the render cache, so a build in a new
 * process scores them only when what they depend on changed. assemble.ts
 * keys each epoch's lists by a hash of every post's path, title, date and
 * tags (relatedOf's signature): an edit to a body or a description keeps it,
 * and scoring 1,000 posts again cost ~50 ms of every rebuild. The record is
 * about one renderer version (cache.ts), since the scoring is code; another
 * version, a damaged file or none is no record, and the lists are scored as
 * before. Best effort both ways: a record that cannot be written only costs
 * the next build the scoring.
 */

import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PostLink } from '../../src/shared/schema.ts'
import type { AssemblyMemo } from './session.ts'
import { writeFileAtomic } from './write.ts'

const FILE = 'related.json'
const VERSION = 1

type Lists = Array<[path: string, related: PostLink[]]>

interface Stored {
  v: number
  renderer: string
  /** Signature → each post's list, the build's epochs in order. */
  entries: Array<[signature: string, lists: Lists]>
}

const isLink = (l: unknown): l is PostLink => typeof l === 'object' && l !== null && typeof (l as PostLink).path === 'string' && typeof (l as PostLink).title === 'string'
const isLists = (x: unknown): x is Lists => Array.isArray(x) && x.every((e) => Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1]) && e[1].every(isLink))

/** A session's first build: the memo filled with the lists the last build in `cacheDir` left. */
export async function restoreRelated(memo: AssemblyMemo, cacheDir: string, renderer: string): Promise<void> {
  if (memo.related.size > 0) return
  try {
    const stored = JSON.parse(await readFile(join(cacheDir, FILE), 'utf8')) as Stored
    if (stored.v !== VERSION || stored.renderer !== renderer || !Array.isArray(stored.entries)) return
    if (!stored.entries.every((e) => Array.isArray(e) && typeof e[0] === 'string' && isLists(e[1]))) return
    for (const [signature, lists] of stored.entries) memo.related.set(signature, new Map(lists))
    memo.relatedOnDisk = stored.entries.map(([signature]) => signature).join()
  } catch {
    // none yet, or unreadable: the lists are scored
  }
}

/** Writes the lists of this build's `epochs` epochs (the memo's newest entries), unless the file holds them already. */
export async function keepRelated(memo: AssemblyMemo, cacheDir: string, renderer: string, epochs: number): Promise<void> {
  const entries = [...memo.related].slice(-epochs)
  const signatures = entries.map(([signature]) => signature).join()
  if (signatures === memo.relatedOnDisk) return
  const stored: Stored = { v: VERSION, renderer, entries: entries.map(([signature, lists]) => [signature, [...lists]]) }
  try {
    await mkdir(cacheDir, { recursive: true })
    await writeFileAtomic(join(cacheDir, FILE), JSON.stringify(stored))
    memo.relatedOnDisk = signatures
  } catch {
    // ignored on purpose, see above
  }
}
