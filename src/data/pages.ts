/**
 * Listing and feed pages, rebuilt from their route entry (PagedRouteEntry):
 * the scope record and the chunks the page spans come back in one bulk KV
 * read, and the page is the record the build used to store for it
 * (src/shared/paging.ts does the arithmetic).
 */

import { HttpError } from '../errors.ts'
import { chunkHashes, feedPage, listingPage } from '../shared/paging.ts'
import type { ChunkRecord, FeedPageRecord, ListingRecord, PagedRouteEntry, ScopeRecord } from '../shared/schema.ts'
import { readRecords } from './index.ts'

/** The page a paged entry describes. Blobs that are not what the entry says make a 503 for this page only. */
export async function readPage(kv: KVNamespace, path: string, entry: PagedRouteEntry): Promise<ListingRecord | FeedPageRecord> {
  const [scopeHash, , , , total, page] = entry
  const [scope, ...chunks] = await readRecords<ScopeRecord | ChunkRecord>(kv, [scopeHash, ...chunkHashes(entry)])
  if (chunks.some((c) => c.kind !== 'chunk')) throw new HttpError('unavailable', `records of ${path} are not chunks`)
  try {
    if (scope?.kind === 'listing-scope') return listingPage(scope, chunks as ChunkRecord[], total, page)
    if (scope?.kind === 'feed-scope') return feedPage(scope, chunks as ChunkRecord[], total, page)
  } catch (error) {
    throw new HttpError('unavailable', `chunks of ${path} do not make its page: ${(error as Error).message}`, { cause: error })
  }
  throw new HttpError('unavailable', `record of ${path} is not a listing or feed scope`)
}
