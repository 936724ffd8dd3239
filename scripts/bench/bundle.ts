/**
 * Bundles a worker entry with `wrangler deploy --dry-run --outdir`, offline,
 * and measures the bundle raw and gzipped.
 */

import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { paths, runWrangler } from '../project.ts'

export interface Bundle {
  file: string
  bytes: number
  gzipBytes: number
}

export async function bundle(entry?: string): Promise<Bundle> {
  const outdir = await mkdtemp(join(tmpdir(), 'kumo-bundle-'))
  // wrangler.toml's [assets] folder must exist even for a dry run; on a fresh clone no build has made it yet.
  await mkdir(paths.publicDir, { recursive: true })
  await runWrangler(['deploy', ...(entry ? [entry] : []), '--dry-run', '--outdir', outdir])
  const name = (await readdir(outdir)).find((f) => f.endsWith('.js'))
  if (!name) throw new Error(`wrangler wrote no bundle to ${outdir}`)
  const code = await readFile(join(outdir, name))
  return { file: join(outdir, name), bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length }
}
