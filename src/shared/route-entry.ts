/**
 * A route entry's fields by name. The manifest keeps an entry as a tuple
 * (schema.ts, RouteEntry), the shape its line codec writes and bisects
 * (manifest-codec.ts); code reads the fields through these, never by position.
 */

import type { PagedRouteEntry, RouteEntry } from './schema.ts'

/** The blob hash of the route's record; for a listing or feed page, of its scope record. */
export const recordOf = (entry: RouteEntry): string => entry[0]

/** The route's strong ETag, as built. */
export const etagOf = (entry: RouteEntry): string => entry[1]

/** Last-Modified, epoch seconds. */
export const lastModifiedOf = (entry: RouteEntry): number => entry[2]

/** Re-dates an entry in place (scripts/pipeline/history.ts). */
export function setLastModified(entry: RouteEntry, seconds: number): void {
  entry[2] = seconds
}

export const isPaged = (entry: RouteEntry): entry is PagedRouteEntry => entry.length >= 6

/** What a listing or feed page's entry says of the page (schema.ts, PagedRouteEntry). */
export interface PagedFields {
  /** The chunks' blob hashes, newest first, joined by `,`; empty for an empty list. */
  chunks: string
  /** The list's length. */
  total: number
  /** The page number, from 1. */
  page: number
  /** A feed page cut by size: its newest-first range [from, to) and the list's page count. */
  sized?: { from: number; to: number; pages: number }
}

export function pagedOf(entry: PagedRouteEntry): PagedFields {
  const [, , , chunks, total, page, from, to, pages] = entry
  return { chunks, total, page, ...(from !== undefined && to !== undefined && pages !== undefined ? { sized: { from, to, pages } } : {}) }
}
