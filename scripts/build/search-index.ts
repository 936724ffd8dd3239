/**
 * Stage "search index": the posts visible at one instant become the records
 * the worker searches (see src/shared/search.ts for the layout): a doc table,
 * postings sharded by term hash, and one plain-text blob per post for snippets.
 *
 * Called once per epoch, like `assemble`, so a scheduled post is searchable
 * from its publication time and not before. Tokenizing is done once per post
 * and reused by every epoch. Doc ids follow publication order, so an epoch that
 * adds a post appends an id: only the shards of its terms and the doc table
 * change, and only those become new blobs in the schedule step.
 *
 * Code blocks: indexed at half the weight of prose (WEIGHTS.code), so an API
 * name still finds the post that shows it, and left out of snippet text.
 */

import { SCHEMA_VERSION } from '../../src/shared/keys.ts'
import {
  BM25,
  DOCS_RECORD,
  WEIGHTS,
  encodePostings,
  shardData,
  shardRecord,
  type DocEntry,
  type SearchDocsRecord,
  type SearchShardRecord,
  type SearchTextRecord,
} from '../../src/shared/search.ts'
import { shardOf, tokenize } from '../../src/shared/tokenize.ts'
import { htmlToText } from './html.ts'
import type { BlobStore } from './manifest.ts'
import type { Post } from './posts.ts'

/** A shard's target size: small enough to fetch and parse in well under a millisecond. */
const TARGET_SHARD_BYTES = 16 * 1024
const MAX_SHARDS = 4096
/** Bytes a posting costs in a shard, on average (`Δid.tf,` in base 36 plus the term's share). */
const BYTES_PER_POSTING = 6
/**
 * A term's list keeps at most this many posts: those where it weighs most.
 * Static index pruning keeps the cost of a query on a word every post contains
 * (`the`, `的`) flat as the blog grows; df stays exact, so ranking is unchanged
 * for the posts kept.
 */
export const MAX_POSTINGS = 1000
/** Snippet text kept per post, in UTF-16 units. */
const TEXT_LIMIT = 4000

interface Analysed {
  tf: Map<string, number>
  length: number
  text: string
}

const analysed = new WeakMap<Post, Analysed>()

function add(tf: Map<string, number>, text: string, weight: number): number {
  let n = 0
  for (const { term } of tokenize(text)) {
    tf.set(term, (tf.get(term) ?? 0) + weight)
    n += weight
  }
  return n
}

/** Cuts at a code point boundary: never half a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max
  return text.slice(0, end)
}

/** The analysis in a form the render cache can keep (see `primeAnalysis`). */
export interface StoredAnalysis {
  tf: Array<[string, number]>
  length: number
  text: string
}

export function storedAnalysis(post: Post): StoredAnalysis {
  const { tf, length, text } = analyse(post)
  return { tf: [...tf], length, text }
}

/** Gives a post its analysis from an earlier build, so an unchanged post is not tokenized again. */
export function primeAnalysis(post: Post, stored: StoredAnalysis): void {
  analysed.set(post, { tf: new Map(stored.tf), length: stored.length, text: stored.text })
}

/** A post's weighted term frequencies and snippet text, computed once per build. */
export function analyse(post: Post): Analysed {
  const cached = analysed.get(post)
  if (cached) return cached
  const code: string[] = []
  const prose = post.html.replace(/<pre\b[\s\S]*?<\/pre\s*>/gi, (block) => {
    code.push(htmlToText(block))
    return ' '
  })
  const text = htmlToText(prose)
  const tf = new Map<string, number>()
  let length = add(tf, post.title, WEIGHTS.title)
  for (const term of [...post.tags, ...post.categories]) length += add(tf, term.name, WEIGHTS.tag)
  length += add(tf, text, WEIGHTS.body)
  for (const block of code) length += add(tf, block, WEIGHTS.code)
  const result = { tf, length, text: cut(text, TEXT_LIMIT) }
  analysed.set(post, result)
  return result
}

/** Publication order, oldest first: the order doc ids follow. */
export const byPublication = (a: Post, b: Post): number => a.ms - b.ms || a.path.localeCompare(b.path)

/**
 * Shards for a blog: chosen once per build from every post any epoch will
 * hold, so a term keeps its shard across epochs. A power of two.
 */
export function shardCount(posts: Post[]): number {
  const postings = posts.reduce((n, p) => n + analyse(p).tf.size, 0)
  let shards = 1
  while (shards < MAX_SHARDS && (postings * BYTES_PER_POSTING) / shards > TARGET_SHARD_BYTES) shards *= 2
  return shards
}

export interface SearchIndex {
  /** Logical record names to blob hashes, for the manifest. */
  records: Record<string, string>
  /** Every blob the index uses (records and snippet texts): what its size counts. */
  blobs: string[]
}

/** Builds the index of `posts` (the ones visible in one epoch) into the store. */
export function searchIndex(posts: Post[], shards: number, store: BlobStore): SearchIndex {
  const ordered = [...posts].sort(byPublication)
  const docs: DocEntry[] = []
  const lists = new Map<string, Array<[id: number, tf: number]>>()
  let total = 0
  const texts: string[] = []
  ordered.forEach((post, id) => {
    const { tf, length, text } = analyse(post)
    const textHash = store.put({ kind: 'search-text', v: SCHEMA_VERSION, text } satisfies SearchTextRecord)
    texts.push(textHash)
    docs.push([post.path, post.title, post.day, length, textHash])
    total += length
    for (const [term, n] of tf) {
      let list = lists.get(term)
      if (!list) lists.set(term, (list = []))
      list.push([id, n])
    }
  })
  const avgLength = docs.length ? total / docs.length : 0
  const shardTerms: Array<Array<[string, string]>> = Array.from({ length: shards }, () => [])
  for (const [term, list] of [...lists].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const kept = list.length > MAX_POSTINGS ? prune(list, docs, avgLength) : list
    shardTerms[shardOf(term, shards)]!.push([term, encodePostings({ df: list.length, ids: kept.map((p) => p[0]), tfs: kept.map((p) => p[1]) })])
  }
  const records: Record<string, string> = {}
  const blobs = [...texts]
  shardTerms.forEach((terms, n) => {
    const hash = store.put({ kind: 'search-shard', v: SCHEMA_VERSION, data: shardData(terms) } satisfies SearchShardRecord)
    records[shardRecord(n)] = hash
    blobs.push(hash)
  })
  const table: SearchDocsRecord = { kind: 'search-docs', v: SCHEMA_VERSION, shards, avgLength, docs }
  records[DOCS_RECORD] = store.put(table)
  blobs.push(records[DOCS_RECORD])
  return { records, blobs }
}

/** The MAX_POSTINGS posts where the term's BM25 weight is highest, back in id order. */
function prune(list: Array<[number, number]>, docs: DocEntry[], avgLength: number): Array<[number, number]> {
  const { k1, b } = BM25
  const weight = ([id, tf]: [number, number]) => tf / (tf + k1 * (1 - b + (b * docs[id]![3]) / (avgLength || 1)))
  return list
    .map((p) => [p, weight(p)] as const)
    .sort((x, y) => y[1] - x[1] || y[0][0] - x[0][0])
    .slice(0, MAX_POSTINGS)
    .map(([p]) => p)
    .sort((x, y) => x[0] - y[0])
}

/** Bytes the index's blobs take in KV. */
export function indexBytes(index: SearchIndex, store: BlobStore): number {
  return index.blobs.reduce((n, h) => n + Buffer.byteLength(store.blobs.get(h) ?? ''), 0)
}
