/**
 * Listing and feed pages, rebuilt from their route entry (PagedRouteEntry)
 * and the records it names: its scope record, then the chunks the page spans,
 * which the caller reads in one bulk KV read. The page is the record the build
 * used to store for it (src/shared/paging.ts does the arithmetic).
 */

import { HttpError } from '../errors.ts'
import { feedPage, listingPage, llmsFullPage } from '../shared/paging.ts'
import { pagedOf } from '../shared/route-entry.ts'
import type { AnyRecord, ChunkRecord, FeedPageView, ListingView, LlmsFullView, PagedRouteEntry } from '../shared/schema.ts'

/** The page from `records` = [scope, ...chunks]. Records that are not what the entry says make a 503 for this page only. */
export function pageFrom(path: string, entry: PagedRouteEntry, records: AnyRecord[]): ListingView | FeedPageView | LlmsFullView {
  const [scope, ...chunks] = records
  const { total, page } = pagedOf(entry)
  if (chunks.some((c) => c.kind !== 'chunk')) throw new HttpError('unavailable', `records of ${path} are not chunks`)
  try {
    if (scope?.kind === 'listing-scope') return listingPage(scope, chunks as ChunkRecord[], total, page)
    if (scope?.kind === 'feed-scope') return feedPage(scope, chunks as ChunkRecord[], entry)
    if (scope?.kind === 'llms-full-scope') return llmsFullPage(scope, chunks as ChunkRecord[], entry)
  } catch (error) {
    throw new HttpError('unavailable', `chunks of ${path} do not make its page: ${(error as Error).message}`, { cause: error })
  }
  throw new HttpError('unavailable', `record of ${path} is not a listing or feed scope`)
}
