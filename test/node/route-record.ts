// A route's record as the worker serves it, read from a build's blobs: a
// listing or feed page is rebuilt from its scope and chunks as src/data does.
import { pageFrom } from '../../src/data/pages.ts'
import { refText } from '../../src/shared/packs.ts'
import { entryBlobs } from '../../src/shared/paging.ts'
import { isPaged } from '../../src/shared/route-entry.ts'
import type { AnyRecord, Manifest, RouteEntry } from '../../src/shared/schema.ts'

interface Built {
  manifest: Manifest
  blobs: Map<string, string>
}

const blob = <T>(built: Built, hash: string): T => {
  const json = refText(built.blobs, hash)
  if (json === undefined) throw new Error(`blob ${hash} is not in the build`)
  return JSON.parse(json) as T
}

/** The record a route's entry makes: a stored record, or a listing or feed page (feeds without `updated`). */
export function routeRecord<T>(built: Built, path: string): T {
  const entry: RouteEntry | undefined = built.manifest.routes[path]
  if (!entry) throw new Error(`no route ${path}`)
  if (!isPaged(entry)) return blob<T>(built, entry[0])
  return pageFrom(path, entry, entryBlobs(entry).map((h) => blob<AnyRecord>(built, h))) as T
}
