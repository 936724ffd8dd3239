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
import { feedPath, listingPath, llmsFullPath } from './paths.ts'
import { isPaged, pagedOf, recordOf } from './route-entry.ts'
import type { ChunkRecord, EntryRecord, FeedPageView, FeedScopeRecord, ListingView, ListingScopeRecord, LlmsFullView, LlmsFullScopeRecord, PagedRouteEntry, RouteEntry } from './schema.ts'

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
  return rangeChunks(total, size, ...pageRange(total, size, page))
}

/** The chunks that the newest-first items [from, to) span, newest first. */
export function rangeChunks(total: number, size: number, from: number, to: number): number[] {
  if (to <= from) return []
  const newest = Math.floor((total - from - 1) / size)
  const oldest = Math.floor((total - to) / size)
  return Array.from({ length: newest - oldest + 1 }, (_, i) => newest - i)
}

/**
 * The items of page `page` from the chunks pageChunks names, in its order.
 * Throws when the chunks do not hold what the entry says they do (a corrupt or
 * mismatched blob): better a failed page than a page of the wrong posts.
 */
export function pageItems(chunks: string[][], total: number, size: number, page: number): string[] {
  return rangeItems(chunks, total, size, ...pageRange(total, size, page), `page ${page}`)
}

/** The newest-first items [from, to) from the chunks rangeChunks names. */
export function rangeItems(chunks: string[][], total: number, size: number, from: number, to: number, what = `items ${from}–${to}`): string[] {
  const spans = rangeChunks(total, size, from, to)
  if (spans.length !== chunks.length) throw new Error(`${what} of ${total} needs ${spans.length} chunks, the entry names ${chunks.length}`)
  if (spans.length === 0) return []
  // Newest-first index of the first item of the newest chunk named, and one past the last of the oldest.
  const start = Math.max(0, total - (spans[0]! + 1) * size)
  const end = total - spans.at(-1)! * size
  const items = chunks.flat()
  if (items.length !== end - start) throw new Error(`chunks of ${what} hold ${items.length} items, expected ${end - start}`)
  return items.slice(from - start, to - start)
}

/**
 * Feed pages are cut by size as well as by count: a page of long posts holds
 * fewer of them, so no page goes much over 250 KB (what JSON Feed 1.1 asks
 * publishers to stay near; readers on phones fetch it whole). Paging
 * (`next_url`, RFC 5005) keeps every entry reachable. The chunks stay cut by
 * count, so a new post still rewrites one chunk per list; only the manifest
 * entries, which name each page's range, follow the sizes.
 */
export const FEED_PAGE_BYTES = 256_000
/** What one entry may weigh: a page's bound less room for the feed's own head. */
export const FEED_ENTRY_BYTES = FEED_PAGE_BYTES - 8_000

/**
 * Newest-first ranges [from, to): each as many items as fit under `maxBytes`
 * of weight and `maxItems`, and at least one. An empty list has one empty page.
 */
export function sizedRanges(weights: number[], maxItems: number, maxBytes: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = []
  let from = 0
  while (from < weights.length) {
    let to = from + 1
    let bytes = weights[from]!
    while (to < weights.length && to - from < maxItems && bytes + weights[to]! <= maxBytes) bytes += weights[to++]!
    ranges.push([from, to])
    from = to
  }
  return ranges.length ? ranges : [[0, 0]]
}

/** A page's range and the list's page count: from a sized entry's own fields, else by fixed page size. */
export function pageSpan(entry: PagedRouteEntry, size: number): { from: number; to: number; pages: number } {
  const { total, page, sized } = pagedOf(entry)
  if (sized) return sized
  const [f, t] = pageRange(total, size, page)
  return { from: f, to: t, pages: pageCount(total, size) }
}

export const chunkRecord = (items: string[]): ChunkRecord => ({ kind: 'chunk', v: SCHEMA_VERSION, items })

/** Blob hashes of the chunks a paged entry names. */
export const chunkHashes = (entry: PagedRouteEntry): string[] => {
  const { chunks } = pagedOf(entry)
  return chunks ? chunks.split(',') : []
}

/** Every blob a route entry needs: its record, and for a listing or feed page its chunks. */
export const entryBlobs = (entry: RouteEntry): string[] => (isPaged(entry) ? [recordOf(entry), ...chunkHashes(entry)] : [recordOf(entry)])

/** A listing page, as the build stored it before pages were made of chunks. */
export function listingPage(scope: ListingScopeRecord, chunks: ChunkRecord[], total: number, page: number): ListingView {
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
export function feedPage(scope: FeedScopeRecord, chunks: ChunkRecord[], entry: PagedRouteEntry): FeedPageView {
  const { total, page } = pagedOf(entry)
  const { from, to, pages } = pageSpan(entry, scope.pageSize)
  return {
    kind: 'feed',
    v: SCHEMA_VERSION,
    format: scope.format,
    scope: scope.scope,
    page,
    pages,
    items: rangeItems(chunks.map((c) => c.items), total, scope.pageSize, from, to, `page ${page}`),
    self: feedPath(scope.scope, scope.format, page),
    next: page < pages ? feedPath(scope.scope, scope.format, page + 1) : null,
  }
}

/**
 * /llms-full.txt is cut like a feed: chunks of paths by count, pages by size,
 * each bounded so a crawler or a model's context takes one page whole.
 */
export const LLMS_FULL_PAGE_BYTES = 512_000
export const LLMS_FULL_CHUNK = 100

/** A page of /llms-full.txt from its chunks. */
export function llmsFullPage(scope: LlmsFullScopeRecord, chunks: ChunkRecord[], entry: PagedRouteEntry): LlmsFullView {
  const { total, page } = pagedOf(entry)
  const { from, to, pages } = pageSpan(entry, scope.pageSize)
  const items = rangeItems(chunks.map((c) => c.items), total, scope.pageSize, from, to, `page ${page}`)
  return { kind: 'llms-full', v: SCHEMA_VERSION, page, pages, items, next: page < pages ? llmsFullPath(page + 1) : null }
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
