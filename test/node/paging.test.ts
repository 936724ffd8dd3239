// Pages made of chunks anchored at the oldest item (src/shared/paging.ts):
// any page rebuilt from its chunks is the page that plain newest-first
// pagination gives, and a new newest item changes only the newest chunk.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SCHEMA_VERSION } from '../../src/shared/keys.ts'
import { chunkRecord, chunksOf, entryBlobs, feedPage, feedUpdated, listingPage, pageChunks, pageCount, pageItems } from '../../src/shared/paging.ts'
import type { EntryRecord, ListingScope } from '../../src/shared/schema.ts'

/** The old way: pages cut from the newest item. */
const reference = (items: string[], size: number, page: number) => items.slice((page - 1) * size, page * size)

const list = (n: number) => Array.from({ length: n }, (_, i) => `/p${n - i}/`) // newest first
const sizes = fc.integer({ min: 1, max: 25 })
const totals = fc.integer({ min: 0, max: 400 })

describe('chunks anchored at the oldest item', () => {
  it('give back every page exactly, from at most two chunks', () => {
    fc.assert(
      fc.property(totals, sizes, (total, size) => {
        const items = list(total)
        const chunks = chunksOf(items, size)
        expect(chunks.flatMap((c) => c).length).toBe(total)
        for (let page = 1; page <= pageCount(total, size); page++) {
          const spans = pageChunks(total, size, page)
          expect(spans.length).toBeLessThanOrEqual(2)
          expect(pageItems(spans.map((j) => chunks[j]!), total, size, page)).toEqual(reference(items, size, page))
        }
      }),
      { numRuns: 500 },
    )
  })

  it('keep every chunk but the newest when a newest item is added', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), sizes, (total, size) => {
        const before = chunksOf(list(total), size)
        const after = chunksOf(list(total + 1), size)
        // The oldest chunks are the same runs of items: same JSON, same blob hash.
        for (let j = 0; j < before.length - 1; j++) expect(after[j]).toEqual(before[j])
        const changed = after.filter((c, j) => JSON.stringify(c) !== JSON.stringify(before[j]))
        expect(changed.length).toBe(1)
      }),
      { numRuns: 300 },
    )
  })

  it('refuse chunks that do not hold what the page needs', () => {
    // Chunk 0 holds the 10 oldest items, chunk 2 the 5 newest.
    const chunks = chunksOf(list(25), 10)
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 5])
    expect(pageChunks(25, 10, 1)).toEqual([2, 1])
    expect(() => pageItems([chunks[2]!], 25, 10, 1)).toThrow(/needs 2 chunks/)
    expect(() => pageItems([chunks[2]!, chunks[2]!], 25, 10, 1)).toThrow(/hold 10 items, expected 15/)
    expect(pageChunks(0, 10, 1)).toEqual([])
    expect(pageItems([], 0, 10, 1)).toEqual([])
  })

  it('rebuild listing and feed pages with their links', () => {
    const scope: ListingScope = { type: 'tag', name: 'Edge', slug: 'edge' }
    const items = list(25)
    const chunks = chunksOf(items, 10).map(chunkRecord)
    const page2 = listingPage({ kind: 'listing-scope', v: SCHEMA_VERSION, scope, pageSize: 10 }, pageChunks(25, 10, 2).map((j) => chunks[j]!), 25, 2)
    expect(page2).toEqual({ kind: 'listing', v: SCHEMA_VERSION, scope, page: 2, pages: 3, total: 25, items: items.slice(10, 20), prev: '/tags/edge/', next: '/tags/edge/page/3/' })
    const feed = feedPage({ kind: 'feed-scope', v: SCHEMA_VERSION, scope, format: 'atom', pageSize: 10 }, pageChunks(25, 10, 3).map((j) => chunks[j]!), ["s", "e", 0, "", 25, 3])
    expect(feed).toEqual({ kind: 'feed', v: SCHEMA_VERSION, format: 'atom', scope, page: 3, pages: 3, items: items.slice(20), self: '/tags/edge/feed/page/3.xml', next: null })
    expect(entryBlobs(['s', 'e', 1, 'a,b', 25, 2])).toEqual(['s', 'a', 'b'])
    expect(entryBlobs(['s', 'e', 1, '', 0, 1])).toEqual(['s'])
    expect(entryBlobs(['r', 'e', 1])).toEqual(['r'])
  })

  it("take a feed's updated from the entry modified last", () => {
    const entry = (date: string, updated?: string) => ({ kind: 'entry', v: SCHEMA_VERSION, path: date, title: '', date, updated, summary: '', tags: [], categories: [], lang: 'en', html: '' }) as EntryRecord
    expect(feedUpdated([])).toBe('1970-01-01T00:00:00.000Z')
    expect(feedUpdated([entry('2024-05-01T10:00:00+09:00'), entry('2024-04-01T00:00:00Z')])).toBe('2024-05-01T10:00:00+09:00')
    expect(feedUpdated([entry('2024-05-01T10:00:00+09:00'), entry('2024-04-01T00:00:00Z', '2024-06-01T00:00:00-07:00')])).toBe('2024-06-01T00:00:00-07:00')
  })
})
