/**
 * Works out a deploy without touching anything: which keys the namespace
 * lacks, in which batches they go up, and the manifest, dated, last.
 * Pure, so the dry run and the real deploy print the same plan.
 */

import { blobKey, buildKey } from '../../src/shared/keys.ts'
import { blobIntact, tamperedBlob } from '../pipeline/write.ts'
import { encodeManifest } from '../../src/shared/manifest-codec.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import type { KvEntry } from './kv-target.ts'
import { buildMetadata, manifestBlobs, promote, type DeployState, type ListedBuild } from './state.ts'

/** Cloudflare's bulk-write limits per request (KV API: 10,000 pairs, 100 MB). */
export const BULK_LIMITS = { pairs: 10_000, bytes: 100 * 1000 * 1000 }

export interface Limits {
  pairs: number
  bytes: number
}

export interface DeployPlan {
  buildId: string
  /** Blobs split into bulk requests, then the manifest alone in the last (none when it is already the newest build). */
  batches: KvEntry[][]
  /** Blob keys the build needs that the namespace already has. */
  skipped: number
  /** The builds in KV once the batches are up, newest first. */
  builds: ListedBuild[]
  /** Builds in KV outside the kept window after this deploy (gc may delete them). */
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
  options: { keep: number; now: Date; limits?: Limits; external?: ReadonlySet<string>; uploaded?: ReadonlySet<string> },
): DeployPlan {
  // A build measured against the live search base uses that base's blobs as they are in KV.
  const external = options.external ?? new Set<string>()
  for (const hash of manifestBlobs(manifest)) {
    if (!blobs.has(hash) && !external.has(hash)) throw new Error(`the build references blob ${hash} but did not produce it`)
  }
  for (const hash of external) {
    if (!state.blobs.has(hash)) throw new Error(`the build's search index builds on blob ${hash}, which no kept build has in KV; run the deploy again`)
  }
  // Every blob the build made: the manifest's, and those records point at (search snippet texts).
  const needed = [...blobs.keys()]
  // Its own manifest in KV (kept or not) means its blobs are there too (state.ts), and a build id
  // is the hash of what the manifest references: a build deployed before needs no blob, no read.
  const listed = state.builds.some((b) => b.id === manifest.buildId)
  // `uploaded`: blobs an unfinished deploy put, no manifest references yet (budget.ts).
  const missing = listed ? [] : needed.filter((h) => !state.blobs.has(h) && !options.uploaded?.has(h))
  const entries: KvEntry[] = missing.map((hash) => {
    const value = blobs.get(hash)!
    // The upload's own check (write.ts blobIntact, as seed's): KV never gets a record under another's
    // name. Every name the build makes is a content hash (32 hex digits); others are tests' stand-ins.
    if (/^[0-9a-f]{32}$/.test(hash) && !blobIntact(hash, value)) throw tamperedBlob(hash)
    return { key: blobKey(hash), value }
  })
  // Already the newest build, dated, and whole: nothing to write. Otherwise its manifest goes
  // (back) up with a new date, which makes it the newest: an older kept build costs 1 write.
  const newest = state.builds[0]
  const current = newest?.id === manifest.buildId && newest.at !== null && missing.length === 0
  const builds = current ? state.builds : promote(state.builds, manifest.buildId, options.now)
  // The manifest in a request of its own, after every blob: a manifest in KV means its blobs are.
  const manifestEntry: KvEntry = { key: buildKey(manifest.buildId), value: encodeManifest(manifest), metadata: buildMetadata(options.now) }
  const batches = [...toBatches(entries, options.limits), ...(current ? [] : toBatches([manifestEntry], options.limits))]
  const all = batches.flat()
  const keep = Math.max(1, options.keep)
  return {
    buildId: manifest.buildId,
    batches,
    skipped: needed.length - missing.length,
    builds,
    retired: builds.slice(keep).map((b) => b.id),
    writes: all.length,
    bytes: all.reduce((n, e) => n + entryBytes(e), 0),
  }
}
