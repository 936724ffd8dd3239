/**
 * The search index's contract between build and worker: record names, record
 * shapes, how postings are encoded and how fields are weighted.
 *
 * One index holds every post a build knows, scheduled ones included: each doc
 * carries the time it becomes visible and the worker leaves it out of results
 * until then, so the index is not rebuilt per schedule step.
 *
 * Layout, as a log-structured pair of segments (the way Lucene keeps an index
 * cheap to update): a large *base* that changes rarely and a small *delta*
 * that takes every change since. All are content-addressed blobs named in the
 * manifest's `records`:
 *   search:docs       the base doc table: id → path, title, day, weighted
 *                     length, snippet-text ref (src/shared/packs.ts), visible-from time; and
 *                     each doc's fingerprint, so a later build can tell which
 *                     docs it changed.
 *   search:shard:<n>  the base postings of every term whose hash mod shards is n.
 *   search:delta      docs added or changed since the base (their postings and
 *                     snippet text inline, ids after the base's) and the base
 *                     ids they hide.
 * A one-post edit then rewrites one record, the delta, instead of the doc
 * table and a shard per changed term; a build folds the delta back into a new
 * base once it grows past a few percent of the blog (see COMPACT_AT).
 */

import type { SCHEMA_VERSION } from './keys.ts'

export const DOCS_RECORD = 'search:docs'
export const DELTA_RECORD = 'search:delta'
export const shardRecord = (n: number): string => `search:shard:${n}`

/**
 * Field weights, as integer multipliers of a term's count (a BM25F-style
 * weighted term frequency). Prose counts 2; code blocks count 1, half as much,
 * because a post that merely shows `let` or `func` in a listing is rarely what
 * a reader means; titles count 5× prose and tags/categories 3×.
 */
export const WEIGHTS = { title: 10, tag: 6, body: 2, code: 1 } as const

/** BM25 parameters: the usual defaults (Robertson & Zaragoza 2009, Lucene). */
export const BM25 = { k1: 1.2, b: 0.75 } as const

/**
 * A base doc: [path, title, day (YYYY-MM-DD), weighted length, the blob hash of
 * its snippet text, visible from (epoch ms)]. The text is a record of its own,
 * read only for a page of hits.
 */
export type BaseDoc = [path: string, title: string, day: string, length: number, textHash: string, from: number]

/** Characters of a doc's fingerprint in SearchDocsRecord.fingerprints. */
export const FINGERPRINT_CHARS = 12

export interface SearchDocsRecord {
  kind: 'search-docs'
  v: typeof SCHEMA_VERSION
  shards: number
  /** Index = doc id, in publication order. */
  docs: BaseDoc[]
  /**
   * FINGERPRINT_CHARS per doc, in id order: a hash of everything the doc
   * contributes to the index. Only the build reads it; one string, so the
   * worker's parse copies it instead of building thousands of values.
   */
  fingerprints: string
}

/** A delta doc: a BaseDoc but with the snippet text itself in place of its hash (the delta is small and read whole). */
export type DeltaDoc = [path: string, title: string, day: string, length: number, text: string, from: number]

export interface SearchDeltaRecord {
  kind: 'search-delta'
  v: typeof SCHEMA_VERSION
  /** Base ids no longer current (changed or deleted posts). */
  removed: number[]
  /** Doc id = base doc count + index here. */
  docs: DeltaDoc[]
  /** The delta docs' postings, laid out like a shard (shardData), over all terms. */
  data: string
}

export interface SearchShardRecord {
  kind: 'search-shard'
  v: typeof SCHEMA_VERSION
  /**
   * One line per term, `\n<term>\t<postings>` (see encodePostings), in an
   * order fixed by the content (a base: the order the terms first appear; a
   * delta: code-unit order). One string rather than an object of terms:
   * JSON.parse copies a string in microseconds but builds an object key by
   * key, and a query needs one or two of a shard's thousand terms. Terms hold
   * no tab or newline.
   */
  data: string
}

/** Lays a shard's terms out as SearchShardRecord.data. */
export function shardData(terms: Array<[term: string, postings: string]>): string {
  return terms.map(([term, postings]) => `\n${term}\t${postings}`).join('')
}

/** A term's encoded postings in a shard, found with one string search. */
export function postingsIn(shard: { data: string }, term: string): string | undefined {
  const key = `\n${term}\t`
  const at = shard.data.indexOf(key)
  if (at < 0) return undefined
  const end = shard.data.indexOf('\n', at + key.length)
  return shard.data.slice(at + key.length, end < 0 ? undefined : end)
}

export interface SearchTextRecord {
  kind: 'search-text'
  v: typeof SCHEMA_VERSION
  /** Plain prose of the post (no code blocks), cut at a bounded length. */
  text: string
}

export type SearchRecord = SearchDocsRecord | SearchShardRecord | SearchTextRecord | SearchDeltaRecord

export interface Postings {
  /** Documents containing the term in the whole index (kept even when the list is pruned). */
  df: number
  ids: number[]
  tfs: number[]
}

/**
 * `df;` then `Δid.tf` pairs in base 36, ids ascending, each id as the gap from
 * the previous. A string, so a shard parses as a handful of JSON strings and
 * only the query's own terms are ever split.
 */
export function encodePostings(p: Postings): string {
  let prev = 0
  const parts = p.ids.map((id, i) => {
    const part = `${(id - prev).toString(36)}.${p.tfs[i]!.toString(36)}`
    prev = id
    return part
  })
  return `${p.df.toString(36)};${parts.join(',')}`
}

/**
 * Calls `visit(id, tf)` for each posting, reading the string's character codes
 * directly: no split, no parseInt, no arrays. Returns df. This loop is most of a
 * query's CPU time, so it allocates nothing.
 */
export function forEachPosting(s: string, visit: (id: number, tf: number) => void): number {
  let i = 0
  let value = 0
  let df = 0
  let id = 0
  let gap = 0
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 59 /* ; */) {
      df = value
      value = 0
      i++
      break
    }
    value = value * 36 + (c <= 57 ? c - 48 : c - 87)
  }
  for (; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 44
    if (c === 46 /* . */) {
      gap = value
      value = 0
    } else if (c === 44 /* , */) {
      if (i > 0 && s.charCodeAt(i - 1) !== 59) {
        id += gap
        visit(id, value)
      }
      value = 0
    } else value = value * 36 + (c <= 57 ? c - 48 : c - 87)
  }
  return df
}

export function decodePostings(s: string): Postings {
  const ids: number[] = []
  const tfs: number[] = []
  const df = forEachPosting(s, (id, tf) => {
    ids.push(id)
    tfs.push(tf)
  })
  return { df, ids, tfs }
}
