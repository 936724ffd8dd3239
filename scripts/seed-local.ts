/**
 * `npm run seed` (scripts/seed.ts) puts the build in dist/ (manifest.json and blobs/) into the
 * local KV that `wrangler dev` reads, then points `v1:current` at the build.
 * `npm start` passes its build in memory instead. Only records the local
 * namespace does not have yet are sent, so a re-seed after one edit is quick.
 *
 * What was seeded is remembered inside the state folder itself, so deleting
 * `.wrangler/state` also forgets it and the next seed sends everything.
 * (Benchmarks and browser tests use scripts/local-server.ts, with KV of their own.)
 */

import { readFileSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CURRENT_KEY, blobKey, buildKey } from '../src/shared/keys.ts'
import { encodeManifest } from '../src/shared/manifest-codec.ts'
import type { Manifest } from '../src/shared/schema.ts'
import { blobFile, blobIntact, blobsOnDisk, tamperedBlob } from './pipeline/write.ts'
import { wranglerKv, type KvEntry, type KvTarget } from './deploy/kv-target.ts'
import { LOCAL_STATE, paths } from './project.ts'

/** Beside the ledger: the build `v1:current` was last pointed at (preview/resume.ts). */
const CURRENT_FILE = 'kumo-current'
/** The keys seeded into the folder's KV so far. */
const SEEDED_FILE = 'kumo-seeded.json'

/** Puts in one round trip: `then` is written once every entry of `entries` is (preview/workerd.ts). */
export type PutThen = (entries: KvEntry[], then: KvEntry[]) => Promise<void>

export interface SeedOptions {
  /** Where to write (default: `wrangler kv … --local`); `npm start` passes its runtime's (preview/workerd.ts), which can put in order in one request. */
  kv?: Pick<KvTarget, 'putMany'> & { putThen?: PutThen }
  /** The build to seed (default: the one in dist/). */
  build?: { manifest: Manifest; blobs: ReadonlyMap<string, string>; encoded?: string }
  /** The local state folder whose KV `kv` writes (default: wrangler's own), where what was seeded is remembered. */
  stateDir?: string
  /** Records already on their way (seedSoon): waited for, and not sent again unless they failed. */
  early?: Early
}

/** Records sent ahead of their build's seed (seedSoon): their keys, and when they are in. */
export interface Early {
  keys: string[]
  done: Promise<void>
}

/**
 * Fewer fresh records than this are left to the build's own seed: an early
 * one costs a file and a round trip, worth it when the puts (~2–4 ms each in
 * local KV) outlast the rest of the build. A first start has hundreds (159
 * posts: ~180); a save, a handful.
 */
export const EARLY_MIN_RECORDS = 64

/** The keys this state folder's KV was seeded with (read synchronously: seedSoon runs inside a build stage). */
function seededKeys(stateDir: string): Set<string> {
  try {
    return new Set(JSON.parse(readFileSync(join(stateDir, SEEDED_FILE), 'utf8')) as string[])
  } catch {
    return new Set()
  }
}

/**
 * `npm start`: the records a build has made so far that local KV lacks, sent
 * now, while the build goes on (BuildOptions.onRecords), and without waiting
 * for this thread (runtime.ts PutSoon). Blobs are named by their contents,
 * so one in KV early is harmless: nothing names it until its build's manifest
 * is in, and seedLocal puts that, then the pointer, after these (`early`).
 */
export function seedSoon(kv: { putSoon: (entries: KvEntry[]) => Promise<void> }, blobs: ReadonlyMap<string, string>, stateDir: string): Early | undefined {
  const seeded = seededKeys(stateDir)
  const fresh: KvEntry[] = []
  for (const [hash, value] of blobs) if (!seeded.has(blobKey(hash))) fresh.push({ key: blobKey(hash), value })
  if (fresh.length < EARLY_MIN_RECORDS) return undefined
  const done = kv.putSoon(fresh)
  done.catch(() => undefined) // seedLocal sends them again
  return { keys: fresh.map((e) => e.key), done }
}

/** The build dist/ holds: its manifest, and a reader for the blobs beside it. */
async function fromDist(): Promise<{ manifest: Manifest; hashes: Set<string>; read: (hash: string) => Promise<string> }> {
  const manifest = JSON.parse(await readFile(join(paths.outDir, 'manifest.json'), 'utf8')) as Manifest
  const dir = join(paths.outDir, 'blobs')
  const read = async (hash: string) => {
    const json = await readFile(blobFile(dir, hash), 'utf8')
    // Never seed a record whose bytes are not its name's: the worker would serve them as that record.
    if (!blobIntact(hash, json)) throw tamperedBlob(hash)
    return json
  }
  return { manifest, hashes: await blobsOnDisk(dir), read }
}

export async function seedLocal(options: SeedOptions = {}): Promise<{ buildId: string; written: number }> {
  const stateDir = options.stateDir ?? LOCAL_STATE
  const state = join(stateDir, SEEDED_FILE)
  const kv: NonNullable<SeedOptions['kv']> = options.kv ?? wranglerKv({ persistTo: stateDir })
  const source = options.build
    ? { manifest: options.build.manifest, hashes: new Set(options.build.blobs.keys()), read: async (h: string) => options.build!.blobs.get(h)! }
    : await fromDist()
  const { manifest } = source
  const sentEarly = options.early && (await options.early.done.then(() => true, () => false))
  const seeded = seededKeys(stateDir)
  if (sentEarly) for (const key of options.early!.keys) seeded.add(key)
  const fresh: KvEntry[] = []
  for (const hash of source.hashes) if (!seeded.has(blobKey(hash))) fresh.push({ key: blobKey(hash), value: await source.read(hash) })
  if (!seeded.has(buildKey(manifest.buildId))) fresh.push({ key: buildKey(manifest.buildId), value: options.build?.encoded ?? encodeManifest(manifest) })
  // Blobs, then the manifest, then the pointer: the worker switches only once the build's records are in.
  const pointer = [{ key: CURRENT_KEY, value: manifest.buildId }]
  if (kv.putThen) await kv.putThen(fresh, pointer)
  else await kv.putMany(fresh).then(() => kv.putMany(pointer))
  for (const e of fresh) seeded.add(e.key)
  await mkdir(stateDir, { recursive: true })
  await writeFile(state, JSON.stringify([...seeded]))
  await writeFile(join(stateDir, CURRENT_FILE), manifest.buildId)
  return { buildId: manifest.buildId, written: fresh.length + (sentEarly ? options.early!.keys.length : 0) }
}

/** The build the last seed pointed `v1:current` at, as remembered beside the ledger (undefined if none). */
export async function seededBuild(stateDir: string): Promise<string | undefined> {
  return (await readFile(join(stateDir, CURRENT_FILE), 'utf8').catch(() => '')) || undefined
}
