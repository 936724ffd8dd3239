/**
 * What deploy, gc and rollback have learned about a namespace, so nothing is
 * fetched twice: `wrangler kv key get` spawns a process (about a second) per key.
 *
 * On disk (`deployCache`, under .kumo/deploy for Cloudflare, beside the persist
 * dir for local KV; not committed): each manifest read or written, by build id,
 * the blobs it references, and the few blobs a deploy reads back (the search
 * doc table the next build measures its delta against). Both are immutable: a build id is the hash of
 * its manifest's content and blob keys are content hashes, so a cached entry
 * never goes stale. Also the build listing as the last command left it, which
 * only the dry run uses, to plan with no account and no network; real runs
 * always list KV afresh.
 *
 * In memory (`buildReader`): one run reads each manifest and blob at most once.
 */

import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { blobKey, buildKey } from '../../src/shared/keys.ts'
import { manifestFromStored } from '../../src/shared/manifest-codec.ts'
import { writeFileAtomic } from '../pipeline/write.ts'
import type { KvTarget } from './kv-target.ts'
import { referencedBlobs, type ListedBuild } from './state.ts'

export interface DeployCache {
  /** A manifest exactly as stored in KV (manifest-codec.ts). */
  manifest(id: string): Promise<string | null>
  /** The blobs a build references (see referencedBlobs). */
  refs(id: string): Promise<Set<string> | null>
  saveBuild(id: string, stored: string, refs: ReadonlySet<string>): Promise<void>
  /** A blob as stored (kept for the ones a deploy reads back: search doc tables). */
  blob(hash: string): Promise<string | null>
  saveBlob(hash: string, json: string): Promise<void>
  /** The listing as the last command that wrote to the namespace left it. */
  builds(): Promise<ListedBuild[] | null>
  saveBuilds(builds: ListedBuild[]): Promise<void>
}

const readJson = async <T>(file: string): Promise<T | null> => {
  const text = await readFile(file, 'utf8').catch(() => null)
  if (text === null) return null
  try {
    return JSON.parse(text) as T
  } catch {
    return null // a file cut short by a crash: as if never cached
  }
}

/** Written beside, renamed over (write.ts): a reader sees the old file or the new one, whole. */
async function writeAtomic(file: string, data: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  await writeFileAtomic(file, data)
}

export function deployCache(dir: string): DeployCache {
  const manifestFile = (id: string) => join(dir, 'manifests', `${id}.txt`)
  const refsFile = (id: string) => join(dir, 'refs', `${id}.json`)
  const buildsFile = join(dir, 'builds.json')
  const blobFile = (hash: string) => join(dir, 'blobs', `${hash}.json`)
  return {
    blob: (hash) => readFile(blobFile(hash), 'utf8').catch(() => null),
    saveBlob: (hash, json) => writeAtomic(blobFile(hash), json),
    manifest: (id) => readFile(manifestFile(id), 'utf8').catch(() => null),
    async refs(id) {
      const hashes = await readJson<string[]>(refsFile(id))
      return Array.isArray(hashes) ? new Set(hashes) : null
    },
    async saveBuild(id, stored, refs) {
      // The manifest first: refs without their manifest would be cached knowledge nothing can check.
      await writeAtomic(manifestFile(id), stored)
      await writeAtomic(refsFile(id), JSON.stringify([...refs]))
    },
    async builds() {
      const builds = await readJson<ListedBuild[]>(buildsFile)
      return Array.isArray(builds) ? builds : null
    },
    saveBuilds: (builds) => writeAtomic(buildsFile, JSON.stringify(builds)),
  }
}

export interface BuildReader {
  /** A manifest as stored, or null when KV has none. */
  manifest(id: string): Promise<string | null>
  /** Every blob a build in KV references; throws if its manifest is gone. */
  refs(id: string): Promise<Set<string>>
  /** A blob, from the disk cache or KV (and then kept on disk). */
  blob(hash: string): Promise<string | null>
}

/** Memoises a promise per key, so concurrent and repeated asks share one fetch. */
function memo<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const seen = new Map<string, Promise<T>>()
  return (key) => {
    let value = seen.get(key)
    if (!value) seen.set(key, (value = load(key)))
    return value
  }
}

/** Reads manifests and the blobs they point at through the disk cache, then KV, each at most once. */
export function buildReader(kv: KvTarget, disk?: DeployCache): BuildReader {
  const blob = memo(async (hash) => {
    const cached = await disk?.blob(hash)
    if (cached) return cached
    const json = await kv.get(blobKey(hash))
    if (json !== null) await disk?.saveBlob(hash, json)
    return json
  })
  const manifest = memo(async (id) => (await disk?.manifest(id)) ?? kv.get(buildKey(id)))
  const refs = memo(async (id) => {
    const cached = await disk?.refs(id)
    if (cached) return cached
    const stored = await manifest(id)
    if (stored === null) throw new Error(`build ${id} was listed, but its manifest is gone from KV; is a gc running? Try again when it is done.`)
    const found = await referencedBlobs(await manifestFromStored(stored, manifest), blob)
    await disk?.saveBuild(id, stored, found)
    return found
  })
  return { manifest, refs, blob }
}
