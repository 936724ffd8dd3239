/**
 * `npm run seed`: puts dist/kv.json into the local KV that `wrangler dev`
 * reads (`wrangler kv bulk put --local`), then points `v1:current` at the
 * build. Only records the local namespace does not have yet are sent, so a
 * re-seed after one edit is quick.
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

const STATE = join(paths.root, '.wrangler', 'kumo-seeded.json')

export async function seedLocal(): Promise<{ buildId: string; written: number }> {
  const entries = JSON.parse(await readFile(join(paths.outDir, 'kv.json'), 'utf8')) as Entry[]
  const manifest = JSON.parse(await readFile(join(paths.outDir, 'manifest.json'), 'utf8')) as { buildId: string }
  const seeded = new Set<string>(JSON.parse(await readFile(STATE, 'utf8').catch(() => '[]')) as string[])
  const fresh = entries.filter((e) => !seeded.has(e.key))
  const batch = [...fresh, { key: CURRENT_KEY, value: manifest.buildId }]
  await mkdir(join(paths.root, '.wrangler'), { recursive: true })
  const file = join(paths.root, '.wrangler', 'kumo-seed.json')
  await writeFile(file, JSON.stringify(batch))
  await wrangler(['kv', 'bulk', 'put', file, '--binding', 'CONTENT', '--local'])
  for (const e of fresh) seeded.add(e.key)
  await writeFile(STATE, JSON.stringify([...seeded]))
  return { buildId: manifest.buildId, written: fresh.length }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { buildId, written } = await seedLocal()
  console.log(`seeded local KV: build ${buildId}, ${written} new keys`)
}
