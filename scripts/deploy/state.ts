/**
 * The deploy state record, `v1:builds`: which builds are kept (newest first)
 * and which blob keys are known to be in the namespace. Deploy reads it instead
 * of listing every key; gc trims it before deleting anything.
 *
 * Invariant: every blob the record lists is in KV. Deploy adds blobs only after
 * they were uploaded; gc removes them from the record before deleting them. A
 * blob that is in KV but not listed (a deploy that failed halfway) costs one
 * more write next time, never a missing page.
 */

import { BUILDS_KEY, SCHEMA_VERSION } from '../../src/shared/keys.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import { DOCS_RECORD, type SearchDocsRecord } from '../../src/shared/search.ts'
import type { KvTarget } from './kv-target.ts'

export interface KeptBuild {
  id: string
  /** ISO time it was last deployed or rolled back to. */
  at: string
}

export interface DeployState {
  v: typeof SCHEMA_VERSION
  /** Newest first; the first is the most recently deployed. */
  builds: KeptBuild[]
  /** Blob hashes known to be present. */
  blobs: string[]
}

export const DEFAULT_KEEP = 10

export const emptyState = (): DeployState => ({ v: SCHEMA_VERSION, builds: [], blobs: [] })

export function parseState(json: string | null): DeployState {
  if (json === null) return emptyState()
  const value = JSON.parse(json) as DeployState
  if (value?.v !== SCHEMA_VERSION || !Array.isArray(value.builds) || !Array.isArray(value.blobs)) {
    throw new Error(`${BUILDS_KEY} is not a Kumo v${SCHEMA_VERSION} deploy record; refusing to guess what the namespace holds`)
  }
  return value
}

export async function readState(kv: KvTarget): Promise<DeployState> {
  return parseState(await kv.get(BUILDS_KEY))
}

/** Puts `id` first (moving it if already kept) and keeps the newest `keep`. */
export function promote(builds: KeptBuild[], id: string, at: Date, keep: number): KeptBuild[] {
  return [{ id, at: at.toISOString() }, ...builds.filter((b) => b.id !== id)].slice(0, Math.max(1, keep))
}

/**
 * Every blob a build needs, following the one record kind that points at blobs
 * of its own: the search doc table names each post's snippet-text blob.
 */
export async function referencedBlobs(manifest: Manifest, readBlob: (hash: string) => Promise<string | null>): Promise<Set<string>> {
  const out = manifestBlobs(manifest)
  const tables = [manifest.records[DOCS_RECORD], ...manifest.schedule.map((s) => s.records[DOCS_RECORD])]
  for (const hash of new Set(tables)) {
    if (!hash) continue
    const json = await readBlob(hash)
    if (json === null) throw new Error(`search doc table ${hash} is missing from KV; gc stops rather than guess what it used`)
    for (const doc of (JSON.parse(json) as SearchDocsRecord).docs) out.add(doc[4])
  }
  return out
}

/** Every blob hash a manifest references, its schedule steps included. */
export function manifestBlobs(manifest: Manifest): Set<string> {
  const out = new Set<string>()
  const add = (routes: Record<string, [string, ...unknown[]] | null>, records: Record<string, string | null>) => {
    for (const entry of Object.values(routes)) if (entry) out.add(entry[0])
    for (const hash of Object.values(records)) if (hash) out.add(hash)
  }
  add(manifest.routes, manifest.records)
  for (const step of manifest.schedule) add(step.routes, step.records)
  return out
}
