/**
 * Listing and feed pages made of chunks, shared by the build (which cuts lists
 * into chunks and names each page's chunks in its route entry) and the worker
 * (which rebuilds the page from them).
 *
 * A list is newest first, and pages count from the newest item, so adding a
 * post shifts every page. Chunks count from the OLDEST item instead: chunk j
 * holds the items at oldest-first positions [j·size, (j+1)·size), so a new
 * newest post changes only the newest chunk (or starts a new one), and every
 * other chunk keeps its content and so its blob hash: one KV write per list,
 * not one per page. With the chunk size equal to the page size, a page spans
 * at most two chunks.
 */

import { SCHEMA_VERSION } from './keys.ts'
import { feedPath, listingPath } from './paths.ts'
import type { ChunkRecord, EntryRecord, FeedPageRecord, FeedScopeRecord, ListingRecord, ListingScopeRecord, PagedRouteEntry, RouteEntry } from './schema.ts'

/** Pages of a list of `total` items: an empty list still has its first page. */
export const pageCount = (total: number, size: number): number => Math.max(1, Math.ceil(total / size))

/** Splits newest-first items into chunks anchored at the oldest: index j is chunk j, each newest first. */
export function chunksOf<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let end = items.length; end > 0; end -= size) chunks.push(items.slice(Math.max(0, end - size), end))
  return chunks
}

/** Newest-first index range [from, to) of page `page` (from 1). */
function pageRange(total: number, size: number, page: number): [number, number] {
  return [(page - 1) * size, Math.min(page * size, total)]
}

/** The chunks (indices into chunksOf) that page `page` spans, newest first: one or two, none for an empty page. */
export function pageChunks(total: number, size: number, page: number): number[] {
  const [from, to] = pageRange(total, size, page)
  if (to <= from) return []
  const newest = Math.floor((total - from - 1) / size)
  const oldest = Math.floor((total - to) / size)
  return newest === oldest ? [newest] : [newest, oldest]
}

/**
 * The items of page `page` from the chunks pageChunks names, in its order.
 * Throws when the chunks do not hold what the entry says they do (a corrupt or
 * mismatched blob): better a failed page than a page of the wrong posts.
 */
export function pageItems(chunks: string[][], total: number, size: number, page: number): string[] {
  const spans = pageChunks(total, size, page)
  if (spans.length !== chunks.length) throw new Error(`page ${page} of ${total} needs ${spans.length} chunks, the entry names ${chunks.length}`)
  if (spans.length === 0) return []
  const [from, to] = pageRange(total, size, page)
  // Newest-first index of the first item of the newest chunk named, and one past the last of the oldest.
  const start = Math.max(0, total - (spans[0]! + 1) * size)
  const end = total - spans.at(-1)! * size
  const items = chunks.flat()
  if (items.length !== end - start) throw new Error(`chunks of page ${page} hold ${items.length} items, expected ${end - start}`)
  return items.slice(from - start, to - start)
}

export const chunkRecord = (items: string[]): ChunkRecord => ({ kind: 'chunk', v: SCHEMA_VERSION, items })

export const isPaged = (entry: RouteEntry): entry is PagedRouteEntry => entry.length === 6

/** Blob hashes of the chunks a paged entry names. */
export const chunkHashes = (entry: PagedRouteEntry): string[] => (entry[3] ? entry[3].split(',') : [])

/** Every blob a route entry needs: its record, and for a listing or feed page its chunks. */
export const entryBlobs = (entry: RouteEntry): string[] => (isPaged(entry) ? [entry[0], ...chunkHashes(entry)] : [entry[0]])

/** A listing page, as the build stored it before pages were made of chunks. */
export function listingPage(scope: ListingScopeRecord, chunks: ChunkRecord[], total: number, page: number): ListingRecord {
  const pages = pageCount(total, scope.pageSize)
  return {
    kind: 'listing',
    v: SCHEMA_VERSION,
    scope: scope.scope,
    page,
    pages,
    total,
    items: pageItems(chunks.map((c) => c.items), total, scope.pageSize, page),
    prev: page > 1 ? listingPath(scope.scope, page - 1) : null,
    next: page < pages ? listingPath(scope.scope, page + 1) : null,
  }
}

/** A feed page but for `updated`, which comes from its entries (feedUpdated). */
export function feedPage(scope: FeedScopeRecord, chunks: ChunkRecord[], total: number, page: number): FeedPageRecord {
  const pages = pageCount(total, scope.pageSize)
  return {
    kind: 'feed',
    v: SCHEMA_VERSION,
    format: scope.format,
    scope: scope.scope,
    page,
    pages,
    items: pageItems(chunks.map((c) => c.items), total, scope.pageSize, page),
    self: feedPath(scope.scope, scope.format, page),
    next: page < pages ? feedPath(scope.scope, scope.format, page + 1) : null,
  }
}

const modified = (e: EntryRecord) => Math.max(Date.parse(e.date), e.updated ? Date.parse(e.updated) : 0)

/**
 * A feed page's `updated` (Atom §4.2.15, RSS lastBuildDate): the `updated` of
 * the entry modified last, else the newest entry's date; the epoch for an
 * empty feed. The rule the build applied to its posts, on their entries.
 */
export function feedUpdated(items: EntryRecord[]): string {
  const newest = Math.max(...items.map(modified))
  return items.find((e) => modified(e) === newest)?.updated ?? items[0]?.date ?? new Date(0).toISOString()
}
