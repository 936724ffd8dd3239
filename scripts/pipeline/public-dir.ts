/**
 * The static-assets folder (public/) as buildToDisk writes it: the build's
 * asset files, content/static/ at the root and content/assets/ at /assets/
 * (static-files.ts), and the stylesheets of earlier
 * builds. It is replaced only when its contents change: `wrangler dev`
 * reloads on any change there, which would slow `npm start`'s edit-to-refresh
 * loop for a text edit.
 */

import { readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256 } from './manifest.ts'
import { entriesUnder, exists, readOptional } from './sources.ts'
import { fileHashes } from './file-hash.ts'
import { contentCopies, copiesDigest } from './static-files.ts'
import { writeTrees, type OutputFile } from './write.ts'

export interface PublicDirs {
  contentDir: string
  publicDir: string
  /** Where the digest of what public/ was made from is kept (dist/). */
  outDir: string
}

/** In dist/: what public/ was last written from. */
export const DIGEST = 'public.digest'

/**
 * Writes public/ unless it was made from the same inputs and nobody changed it
 * since. Returns the inputs' digest, for `rememberPublic` once the build is
 * written, and whether public/ was written (npm start then reloads its assets).
 */
export interface Synced {
  digest: string
  written: boolean
  /** What public/ holds (treeState), when it was not written: what rememberPublic records, without hashing it again. */
  state?: string
}

export async function syncPublic(files: OutputFile[], dirs: PublicDirs): Promise<Synced> {
  const copies = await contentCopies(dirs.contentDir)
  const earlier = await earlierStylesheets(dirs.publicDir, files[0]!.path)
  const digest = await publicDigest(files, copies)
  const previous = await readOptional(join(dirs.outDir, DIGEST))
  const state = await treeState(dirs.publicDir)
  if (previous === `${digest}\n${state}`) return { digest, written: false, state }
  await writeTrees([{ dir: dirs.publicDir, files, copies: [...earlier, ...copies] }])
  return { digest, written: true }
}

/**
 * Written last, from what public/ holds now (`state` when syncPublic found
 * it as it was and wrote nothing): a failure before this only means a
 * rewrite next time.
 */
export async function rememberPublic(dirs: PublicDirs, digest: string, state?: string): Promise<void> {
  await writeFile(join(dirs.outDir, DIGEST), `${digest}\n${state ?? (await treeState(dirs.publicDir))}`)
}

/** What public/ would be made from: the build's asset files and the content folders copied as they are (static-files.ts). */
async function publicDigest(files: OutputFile[], copies: Array<[string, string]>): Promise<string> {
  const parts = files.map((a) => `${a.path}\n${sha256(typeof a.data === 'string' ? a.data : Buffer.from(a.data).toString('base64'))}`)
  parts.push(await copiesDigest(copies))
  return sha256(parts.join('\n'))
}

/** Names and content hashes of every file under a folder ('' when it is missing): deterministic, so equal trees give equal output. */
async function treeState(dir: string): Promise<string> {
  if (!(await exists(dir))) return ''
  const names = entriesUnder(dir).sort()
  const hashes = await fileHashes(names.map((f) => join(dir, f)))
  // Folders are listed too; only files count.
  const parts = names.flatMap((f, i) => (hashes[i] === undefined ? [] : [`${f}\n${hashes[i]}`]))
  return sha256(parts.join('\n'))
}

const KEEP_STYLESHEETS = 10

/**
 * Stylesheets of earlier builds, newest first, carried into the new output:
 * Workers Cache may still hold a page of the previous build for a minute after
 * a deploy, and that page must not point at a stylesheet that is gone.
 */
async function earlierStylesheets(publicDir: string, current: string): Promise<Array<[string, string]>> {
  const dir = join(publicDir, '_kumo')
  const names = await readdir(dir).catch(() => [] as string[])
  const sheets = await Promise.all(
    names
      .filter((n) => /^style\.[0-9a-f]+\.css$/.test(n) && `_kumo/${n}` !== current)
      .map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })),
  )
  return sheets
    .sort((a, b) => b.t - a.t)
    .slice(0, KEEP_STYLESHEETS - 1)
    .map(({ n }) => [join(dir, n), `_kumo/${n}`])
}
