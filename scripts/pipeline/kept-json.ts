/**
 * The small JSON records kept beside the render cache, each a memo a build in
 * a new process starts from: the source files' read stamps (cache.ts), the
 * related-post lists (related-memo.ts), the packs' names (pack-names.ts).
 * Each is about one version of its layout and one salt (what else its values
 * were made from: the renderer, the settings), and best effort both ways: a
 * record that is missing, damaged, of another version or salt reads as none,
 * and one that cannot be written only costs the next build the work it saves.
 */

import { readFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from './write.ts'

/**
 * The record `name` in `dir` when it is of `version` and, when one is given,
 * `salt` (a caller that learns its salt later checks `salt` itself); its
 * fields are the caller's to check.
 */
export async function readKept(dir: string, name: string, version: number, salt?: string): Promise<Record<string, unknown> | undefined> {
  try {
    // Synchronous: a record of some KB the kernel has cached, where an awaited read waits in libuv's
    // thread pool behind the build's own writes (the render cache's packs, the outputs).
    const stored = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown> | null
    return stored?.v === version && (salt === undefined || stored.salt === salt) ? stored : undefined
  } catch {
    return undefined // none yet, or unreadable
  }
}

/**
 * Writes `{ [field]: value }` as the record `name`, unless `onDisk` (the JSON of
 * that value as last read or written) says the folder holds it already;
 * returns what the folder holds then.
 */
export async function keepIfChanged(dir: string, name: string, version: number, salt: string, field: string, value: unknown, onDisk: string | undefined): Promise<string | undefined> {
  const text = JSON.stringify(value)
  return text !== onDisk && (await writeKept(dir, name, version, salt, { [field]: value })) ? text : onDisk
}

/** Writes `fields` as the record `name` of `version` and `salt`; whether it was written. */
export async function writeKept(dir: string, name: string, version: number, salt: string, fields: object): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true })
    await writeFileAtomic(join(dir, name), JSON.stringify({ v: version, salt, ...fields }))
    return true
  } catch {
    return false // ignored on purpose, see above
  }
}
