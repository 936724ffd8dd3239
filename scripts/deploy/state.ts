/**
 * The deploy state, derived from KV and never stored as a record of its own.
 *
 * Every manifest key `v1:build:<id>` carries KV metadata `{ "at": <ISO time> }`,
 * the time it was last deployed or rolled back to. Listing the prefix
 * `v1:build:` (one KV list operation per 1,000 keys: builds, not records) and
 * sorting by `at` gives the builds newest first; the newest `keep` are kept,
 * and the blobs their manifests reference are the blobs known to be present.
 * A manifest with no metadata (put by an older Kumo) sorts last.
 *
 * Invariant: a manifest exists in KV only if all its blobs do. Deploy puts the
 * manifest last, in a request of its own, after every blob it needs; gc deletes
 * manifests BEFORE the blobs only they used. So a listed manifest's blobs are
 * there, and a blob a failed deploy left without a manifest costs one more
 * write next time, never a missing page.
 */

import { buildKey } from '../../src/shared/keys.ts'
import type { Manifest, RouteEntry } from '../../src/shared/schema.ts'
import { entryBlobs } from '../../src/shared/paging.ts'
import { refBlob } from '../../src/shared/packs.ts'
import { DOCS_RECORD, type SearchDocsRecord } from '../../src/shared/search.ts'
import type { KvKey, KvTarget } from './kv-target.ts'

/** A build whose manifest is in KV. */
export interface ListedBuild {
  id: string
  /** ISO time it was last deployed or rolled back to; null when its key has no metadata. */
  at: string | null
}

export interface DeployState {
  /** Every build with a manifest in KV, newest first. */
  builds: ListedBuild[]
  /** Ids of the newest `keep` builds. */
  kept: string[]
  /** Blob hashes the kept manifests reference: present, by the invariant above. */
  blobs: ReadonlySet<string>
}

/** The KV metadata a manifest key is put with. */
export type BuildMetadata = { at: string }

export const DEFAULT_KEEP = 10

export const BUILD_PREFIX = buildKey('')

export const emptyState = (): DeployState => ({ builds: [], kept: [], blobs: new Set() })

export const buildMetadata = (at: Date): BuildMetadata => ({ at: at.toISOString() })

/** The deploy time in a key's metadata, or null when there is none that reads as a time. */
function deployedAt(metadata: unknown): string | null {
  const at = (metadata as { at?: unknown } | null | undefined)?.at
  return typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? at : null
}

/** Newest first by `at`; keys without it last, in list (name) order. */
export function sortBuilds(keys: KvKey[]): ListedBuild[] {
  const time = (b: ListedBuild) => (b.at === null ? -Infinity : Date.parse(b.at))
  return keys
    .filter((k) => k.name.startsWith(BUILD_PREFIX))
    .map((k) => ({ id: k.name.slice(BUILD_PREFIX.length), at: deployedAt(k.metadata) }))
    .sort((a, b) => (time(a) === time(b) ? 0 : time(b) > time(a) ? 1 : -1))
}

export async function listBuilds(kv: KvTarget): Promise<ListedBuild[]> {
  return sortBuilds(await kv.list(BUILD_PREFIX))
}

/** `id` first, dated `at`: the listing after its manifest is (re-)put. */
export function promote(builds: ListedBuild[], id: string, at: Date): ListedBuild[] {
  return [{ id, at: at.toISOString() }, ...builds.filter((b) => b.id !== id)]
}

/**
 * The state for a listing: kept = the newest `keep`, blobs = what they
 * reference. `refs` returns null for a build it cannot tell (the dry run's
 * cache); its blobs then count as absent, which overestimates writes, never
 * underestimates them.
 */
export async function deriveState(
  builds: ListedBuild[],
  keep: number,
  refs: (id: string) => Promise<ReadonlySet<string> | null>,
): Promise<DeployState> {
  const kept = builds.slice(0, Math.max(1, keep)).map((b) => b.id)
  const blobs = new Set<string>()
  for (const id of kept) for (const hash of (await refs(id)) ?? []) blobs.add(hash)
  return { builds, kept, blobs }
}

/** Lists the builds in KV and derives the state (see cache.ts's buildReader for `refs`). */
export async function readState(kv: KvTarget, keep: number, refs: (id: string) => Promise<ReadonlySet<string>>): Promise<DeployState> {
  return deriveState(await listBuilds(kv), keep, refs)
}

/**
 * Every blob a build needs, following the one record kind that points at blobs
 * of its own: the search doc table names each post's snippet text (a ref into a pack: src/shared/packs.ts).
 */
export async function referencedBlobs(manifest: Manifest, readBlob: (hash: string) => Promise<string | null>): Promise<Set<string>> {
  const out = manifestBlobs(manifest)
  const tables = [manifest.records[DOCS_RECORD], ...manifest.schedule.map((s) => s.records[DOCS_RECORD])]
  for (const hash of new Set(tables)) {
    if (!hash) continue
    const json = await readBlob(hash)
    if (json === null) throw new Error(`search doc table ${hash} of build ${manifest.buildId} is missing from KV; stopping rather than guess what the build uses`)
    for (const doc of (JSON.parse(json) as SearchDocsRecord).docs) out.add(refBlob(doc[4]))
  }
  return out
}

/** Every blob hash a manifest references, its schedule steps included; a ref into a pack counts as its pack (src/shared/packs.ts). */
export function manifestBlobs(manifest: Manifest): Set<string> {
  const out = new Set<string>()
  const add = (routes: Record<string, RouteEntry | null>, records: Record<string, string | null>) => {
    // A listing or feed page names its chunks too (src/shared/paging.ts).
    for (const entry of Object.values(routes)) if (entry) for (const ref of entryBlobs(entry)) out.add(refBlob(ref))
    for (const ref of Object.values(records)) if (ref) out.add(refBlob(ref))
  }
  add(manifest.routes, manifest.records)
  for (const step of manifest.schedule) add(step.routes, step.records)
  return out
}
