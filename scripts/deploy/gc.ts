/**
 * `npm run gc`: deletes the keys no kept build references. Kept builds are the
 * newest N by the deploy time on their manifest keys (state.ts); a blob stays if
 * any of their manifests, schedule steps and search doc tables included, points
 * at it. Lists `v1:build:` and `v1:blob:` (one KV list operation per 1,000
 * keys), so it also finds what a failed deploy left behind. Writes nothing.
 *
 * Order: the manifests of builds no longer kept go first, then the blobs. A gc
 * cut short leaves blobs no manifest claims (the next gc deletes them), never a
 * manifest whose blobs are gone: the invariant every deploy relies on.
 */

import { blobKey, buildKey } from '../../src/shared/keys.ts'
import { patchBaseOf } from '../../src/shared/manifest-codec.ts'
import { buildReader, type DeployCache } from './cache.ts'
import type { KvTarget } from './kv-target.ts'
import { deriveState, listBuilds, type ListedBuild } from './state.ts'

/** Keys per `wrangler kv bulk delete` request (Cloudflare's limit). */
const DELETE_BATCH = 10_000

const BLOB_PREFIX = blobKey('')

export interface GcPlan {
  /** The kept builds, newest first. */
  kept: ListedBuild[]
  /** Manifest keys of the builds not kept: deleted first. */
  manifests: string[]
  /** Blob keys no kept build references: deleted after. */
  blobs: string[]
  /** Everything to delete, in order. */
  keys: string[]
}

export async function planGc(kv: KvTarget, options: { keep: number; cache?: DeployCache }): Promise<GcPlan> {
  const builds = await listBuilds(kv)
  if (builds.length === 0) {
    throw new Error('KV holds no build manifest; gc would delete everything, so it stops. Deploy once with `npm run deploy` first.')
  }
  const reader = buildReader(kv, options.cache)
  const state = await deriveState(builds, options.keep, reader.refs)
  // A kept patch (npm start's saved post, in local KV) is read over its base: that manifest stays too.
  const bases = new Set<string>()
  for (const id of state.kept) {
    const base = patchBaseOf((await reader.manifest(id)) ?? '')
    if (base) bases.add(base)
  }
  const manifests = builds.slice(state.kept.length).filter((b) => !bases.has(b.id)).map((b) => buildKey(b.id))
  const blobs = (await kv.list(BLOB_PREFIX)).map((k) => k.name).filter((k) => !state.blobs.has(k.slice(BLOB_PREFIX.length)))
  return { kept: builds.slice(0, state.kept.length), manifests, blobs, keys: [...manifests, ...blobs] }
}

export async function runGc(kv: KvTarget, plan: GcPlan, cache?: DeployCache): Promise<number> {
  for (const keys of [plan.manifests, plan.blobs]) {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) await kv.deleteMany(keys.slice(i, i + DELETE_BATCH))
  }
  await cache?.saveBuilds(plan.kept)
  return plan.keys.length
}
