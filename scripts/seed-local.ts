/**
 * `npm run seed`: puts dist/kv.json into the local KV that `wrangler dev`
 * reads, then points `v1:current` at the build. Only records the local
 * namespace does not have yet are sent, so a re-seed after one edit is quick.
 *
 * What was seeded is remembered inside the state folder itself, so deleting
 * `.wrangler/state` also forgets it and the next seed sends everything.
 * (Benchmarks and browser tests use scripts/local-server.ts, with KV of their own.)
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CURRENT_KEY } from '../src/shared/keys.ts'
import { wranglerKv, type KvTarget } from './deploy/kv-target.ts'
import { paths } from './project.ts'

interface Entry {
  key: string
  value: string
}

/** Where `wrangler dev` and `wrangler kv --local` keep local state by default. */
export const LOCAL_STATE = join(paths.root, '.wrangler', 'state')

export interface SeedOptions {
  /** Where to write (default: `wrangler kv … --local`); `npm start` passes a live binding. */
  kv?: KvTarget
}

export async function seedLocal(options: SeedOptions = {}): Promise<{ buildId: string; written: number }> {
  const outDir = paths.outDir
  const state = join(LOCAL_STATE, 'kumo-seeded.json')
  const kv = options.kv ?? wranglerKv({ persistTo: LOCAL_STATE })
  const entries = JSON.parse(await readFile(join(outDir, 'kv.json'), 'utf8')) as Entry[]
  const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as { buildId: string }
  const seeded = new Set<string>(JSON.parse(await readFile(state, 'utf8').catch(() => '[]')) as string[])
  const fresh = entries.filter((e) => !seeded.has(e.key))
  // The pointer last: the worker switches only once the build's records are in.
  await kv.putMany(fresh)
  await kv.putMany([{ key: CURRENT_KEY, value: manifest.buildId }])
  for (const e of fresh) seeded.add(e.key)
  await mkdir(LOCAL_STATE, { recursive: true })
  await writeFile(state, JSON.stringify([...seeded]))
  return { buildId: manifest.buildId, written: fresh.length }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { buildId, written } = await seedLocal()
  console.log(`seeded local KV: build ${buildId}, ${written} new keys`)
}
