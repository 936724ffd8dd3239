/**
 * Works out a deploy without touching anything: which keys the namespace
 * lacks, in which batches they go up, and the state record that follows.
 * Pure, so the dry run and the real deploy print the same plan.
 */

import { BUILDS_KEY, blobKey, buildKey } from '../../src/shared/keys.ts'
import { encodeManifest } from '../../src/shared/manifest-codec.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import type { KvEntry } from './kv-target.ts'
import { manifestBlobs, promote, type DeployState } from './state.ts'

/** Cloudflare's bulk-write limits per request (KV API: 10,000 pairs, 100 MB). */
export const BULK_LIMITS = { pairs: 10_000, bytes: 100 * 1000 * 1000 }

export interface Limits {
  pairs: number
  bytes: number
}

export interface DeployPlan {
  buildId: string
  /** Blobs then the manifest, split into bulk requests; the manifest is in the last. */
  batches: KvEntry[][]
  /** Blob keys the build needs that the namespace already has. */
  skipped: number
  /** The state record to write once the batches are up, or null when it would not change. */
  state: DeployState | null
  /** Builds that fall out of the kept window with this deploy (gc may delete them). */
  retired: string[]
  /** KV writes: one per key put. */
  writes: number
  bytes: number
}

const entryBytes = (e: KvEntry): number => Buffer.byteLength(JSON.stringify(e)) + 1

/** Splits entries into requests under both limits, keeping their order. */
export function toBatches(entries: KvEntry[], limits: Limits = BULK_LIMITS): KvEntry[][] {
  const out: KvEntry[][] = []
  let batch: KvEntry[] = []
  let bytes = 2
  for (const entry of entries) {
    const size = entryBytes(entry)
    if (size + 2 > limits.bytes) throw new Error(`${entry.key} is ${size} bytes, over the ${limits.bytes}-byte bulk request limit`)
    if (batch.length > 0 && (batch.length >= limits.pairs || bytes + size > limits.bytes)) {
      out.push(batch)
      batch = []
      bytes = 2
    }
    batch.push(entry)
    bytes += size
  }
  if (batch.length > 0) out.push(batch)
  return out
}

export function planDeploy(
  manifest: Manifest,
  blobs: ReadonlyMap<string, string>,
  state: DeployState,
  options: { keep: number; now: Date; limits?: Limits },
): DeployPlan {
  const present = new Set(state.blobs)
  for (const hash of manifestBlobs(manifest)) {
    if (!blobs.has(hash)) throw new Error(`the build references blob ${hash} but did not produce it`)
  }
  // Every blob the build made: the manifest's, and those records point at (search snippet texts).
  const needed = [...blobs.keys()]
  const missing = needed.filter((h) => !present.has(h))
  const entries: KvEntry[] = missing.map((hash) => ({ key: blobKey(hash), value: blobs.get(hash)! }))
  // A kept build's manifest is in KV already: the record lists a build only after its manifest is up.
  const known = state.builds.some((b) => b.id === manifest.buildId)
  if (!known) entries.push({ key: buildKey(manifest.buildId), value: encodeManifest(manifest) })
  const builds = promote(state.builds, manifest.buildId, options.now, options.keep)
  const unchanged = state.builds[0]?.id === manifest.buildId && missing.length === 0 && builds.length === state.builds.length
  const next: DeployState | null = unchanged ? null : { v: state.v, builds, blobs: [...new Set([...state.blobs, ...missing])] }
  const batches = toBatches(entries, options.limits)
  return {
    buildId: manifest.buildId,
    batches,
    skipped: needed.length - missing.length,
    state: next,
    retired: state.builds.filter((b) => !builds.some((k) => k.id === b.id)).map((b) => b.id),
    writes: entries.length + (next ? 1 : 0),
    bytes: entries.reduce((n, e) => n + entryBytes(e), 0),
  }
}

export const stateEntry = (state: DeployState): KvEntry => ({ key: BUILDS_KEY, value: JSON.stringify(state) })
