/**
 * `npm run gc`: deletes the keys no kept build references. Kept builds are the
 * ones in the state record (the last N deployed); a blob stays if any of their
 * manifests, schedule steps included, points at it. Lists the namespace's
 * `v1:blob:` and `v1:build:` keys (one KV list operation per 1,000 keys), so it
 * also finds what a failed deploy left behind.
 *
 * Order: the state record loses the doomed blobs first, then they are deleted;
 * a gc that fails halfway leaves keys in KV that the record does not claim,
 * which costs a re-upload, never a missing page.
 */

import { blobKey, buildKey } from '../../src/shared/keys.ts'
import { manifestFromText } from '../../src/shared/manifest-codec.ts'
import type { KvTarget } from './kv-target.ts'
import { stateEntry } from './plan.ts'
import { referencedBlobs, readState, type DeployState } from './state.ts'

/** Keys per `wrangler kv bulk delete` request (Cloudflare's limit). */
const DELETE_BATCH = 10_000

export interface GcPlan {
  kept: string[]
  /** Keys to delete: blobs first, then manifests. */
  keys: string[]
  state: DeployState | null
}

const BLOB_PREFIX = blobKey('')
const BUILD_PREFIX = buildKey('')

export async function planGc(kv: KvTarget): Promise<GcPlan> {
  const state = await readState(kv)
  if (state.builds.length === 0) {
    throw new Error('the deploy record lists no kept builds; gc would delete everything, so it stops. Deploy once with `npm run deploy` first.')
  }
  const referenced = new Set<string>()
  for (const { id } of state.builds) {
    const json = await kv.get(buildKey(id))
    if (json === null) throw new Error(`kept build ${id} has no manifest in KV; gc stops rather than guess what it used`)
    for (const hash of await referencedBlobs(manifestFromText(json), (h) => kv.get(blobKey(h)))) referenced.add(hash)
  }
  const kept = new Set(state.builds.map((b) => b.id))
  const blobs = (await kv.list(BLOB_PREFIX)).filter((k) => !referenced.has(k.slice(BLOB_PREFIX.length)))
  const builds = (await kv.list(BUILD_PREFIX)).filter((k) => !kept.has(k.slice(BUILD_PREFIX.length)))
  const remaining = state.blobs.filter((h) => referenced.has(h))
  return {
    kept: [...kept],
    keys: [...blobs, ...builds],
    state: remaining.length === state.blobs.length ? null : { ...state, blobs: remaining },
  }
}

export async function runGc(kv: KvTarget, plan: GcPlan): Promise<number> {
  if (plan.state) await kv.putMany([stateEntry(plan.state)])
  for (let i = 0; i < plan.keys.length; i += DELETE_BATCH) await kv.deleteMany(plan.keys.slice(i, i + DELETE_BATCH))
  return plan.keys.length
}
