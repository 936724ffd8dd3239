/**
 * `npm run seed`: puts dist/kv.json into the local KV that `wrangler dev`
 * reads (`wrangler kv bulk put --local`), then points `v1:current` at the
 * build. Only records the local namespace does not have yet are sent, so a
 * re-seed after one edit is quick.
 *
 * The browser tests seed a throwaway build into a temporary state folder
 * (`persistTo`), so they never touch the developer's own local KV.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CURRENT_KEY } from '../src/shared/keys.ts'
import { paths } from './project.ts'
import { wrangler } from './wrangler.ts'

interface Entry {
  key: string
  value: string
}

export interface SeedOptions {
  /** Folder holding kv.json and manifest.json (default dist/). */
  outDir?: string
  /** Wrangler's local state folder (`--persist-to`); default: wrangler's own, under .wrangler/. */
  persistTo?: string
  /** Where to remember which keys are already seeded, and to write the batch file. */
  workDir?: string
}

export async function seedLocal(options: SeedOptions = {}): Promise<{ buildId: string; written: number }> {
  const outDir = options.outDir ?? paths.outDir
  const workDir = options.workDir ?? join(paths.root, '.wrangler')
  const state = join(workDir, 'kumo-seeded.json')
  const entries = JSON.parse(await readFile(join(outDir, 'kv.json'), 'utf8')) as Entry[]
  const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as { buildId: string }
  const seeded = new Set<string>(JSON.parse(await readFile(state, 'utf8').catch(() => '[]')) as string[])
  const fresh = entries.filter((e) => !seeded.has(e.key))
  const batch = [...fresh, { key: CURRENT_KEY, value: manifest.buildId }]
  await mkdir(workDir, { recursive: true })
  const file = join(workDir, 'kumo-seed.json')
  await writeFile(file, JSON.stringify(batch))
  const persist = options.persistTo ? ['--persist-to', options.persistTo] : []
  await wrangler(['kv', 'bulk', 'put', file, '--binding', 'CONTENT', '--local', ...persist])
  for (const e of fresh) seeded.add(e.key)
  await writeFile(state, JSON.stringify([...seeded]))
  return { buildId: manifest.buildId, written: fresh.length }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { buildId, written } = await seedLocal()
  console.log(`seeded local KV: build ${buildId}, ${written} new keys`)
}
