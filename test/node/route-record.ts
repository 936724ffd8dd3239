// A route's record as the worker serves it, read from a build's blobs: a
// listing or feed page is rebuilt from its scope and chunks as src/data does.
import { chunkHashes, feedPage, isPaged, listingPage } from '../../src/shared/paging.ts'
import type { ChunkRecord, Manifest, RouteEntry, ScopeRecord } from '../../src/shared/schema.ts'

interface Built {
  manifest: Manifest
  blobs: Map<string, string>
}

const blob = <T>(built: Built, hash: string): T => {
  const json = built.blobs.get(hash)
  if (json === undefined) throw new Error(`blob ${hash} is not in the build`)
  return JSON.parse(json) as T
}

/** The record an entry makes: a stored record, or a listing or feed page (feeds without `updated`). */
export function entryRecord<T>(built: Built, entry: RouteEntry): T {
  if (!isPaged(entry)) return blob<T>(built, entry[0])
  const scope = blob<ScopeRecord>(built, entry[0])
  const chunks = chunkHashes(entry).map((h) => blob<ChunkRecord>(built, h))
  const [, , , , total, page] = entry
  return (scope.kind === 'listing-scope' ? listingPage(scope, chunks, total, page) : feedPage(scope, chunks, total, page)) as T
}

export function routeRecord<T>(built: Built, path: string): T {
  const entry = built.manifest.routes[path]
  if (!entry) throw new Error(`no route ${path}`)
  return entryRecord<T>(built, entry)
}
