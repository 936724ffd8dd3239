/**
 * Stage "search index": every post the build knows (scheduled ones too, each
 * with the time it becomes visible) becomes the records the worker searches;
 * see src/shared/search.ts for the layout of base and delta segments.
 *
 * With no base, or when the delta would grow past COMPACT_AT, the whole index
 * is built as a new base with an empty delta: a function of the content alone.
 * Given the base an earlier build left (in KV for a deploy, in memory for
 * `npm start`), only the posts whose fingerprint differs from the base's go into
 * the delta, so a one-post edit changes one record. Tokenizing is done once
 * per post and kept by the render cache.
 *
 * Code blocks: indexed at half the weight of prose (WEIGHTS.code), so an API
 * name still finds the post that shows it, and left out of snippet text.
 */

import { SCHEMA_VERSION } from '../../src/shared/keys.ts'
import {
  BM25,
  DELTA_RECORD,
  DOCS_RECORD,
  FINGERPRINT_CHARS,
  WEIGHTS,
  encodePostings,
  shardData,
  shardRecord,
  type BaseDoc,
  type DeltaDoc,
  type SearchDeltaRecord,
  type SearchDocsRecord,
  type SearchShardRecord,
  type SearchTextRecord,
} from '../../src/shared/search.ts'
import { forEachTerm, shardOf } from '../../src/shared/tokenize.ts'
import { htmlToText } from './html.ts'
import { sha256, type BlobStore, type BlobSum } from './manifest.ts'
import { packGroups, type PackMemo } from './packs.ts'
import type { RecordSums } from './record-sums.ts'
import { refBlob } from '../../src/shared/packs.ts'
import type { Post } from './posts.ts'
import { codeUnitOrder } from './sources.ts'
import { encodeFlat, patchShards, type Change, type Terms } from './search-patch.ts'

/**
 * A shard's target size. Larger shards are fewer KV keys (a first deploy writes
 * each; the Free plan allows 1,000 writes a day) for a few more bytes per query:
 * a query reads at most 8 shards (src/search, SHARDS_PER_QUERY), parsed only for its own terms.
 */
const TARGET_SHARD_BYTES = 64 * 1024
/** The most shards an index is cut into, however large the blog. */
const MAX_SHARD_COUNT = 4096
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
/**
 * Snippet texts of this many consecutive docs share one KV value (a pack,
 * src/shared/packs.ts): at most 64 K units, and a query's page of 10 hits reads
 * at most 10 of them, parsing only the hits' texts.
 */
const TEXTS_PER_PACK = 16
/**
 * When a build folds the delta into a new base: past this many changed posts,
 * or this many bytes of delta (read by every cold isolate that searches). Each
 * fold rewrites the doc table and the shards whose terms moved, so folding
 * rarely keeps the writes per edit low, while a small delta keeps queries fast.
 */
export const COMPACT_AT = { docs: 32, bytes: 256 * 1024 }

export interface Analysed {
  /**
   * Weighted term frequencies: each term once, in the order first met, and
   * its weight at the same place. Two arrays, not a Map or pairs: the index
   * only walks them, and a warm build takes them from the render cache as
   * they are (primeAnalysis), two arrays per post where pairs were ~1,000
   * objects per post for JSON.parse to make and the collector to trace.
   */
  terms: readonly string[]
  weights: readonly number[]
  length: number
  text: string
  /** Hash of tf, length and text: what the post gives the index, less its path and times. */
  hash: string
  /** How many terms: what shardCount sums, without the terms. */
  count: number
}

/** Analyses already made, by post: the session's (session.ts), so an unchanged post is tokenized once per process. */
export type AnalysisMemo = WeakMap<Post, Analysed>

function add(tf: Map<string, number>, text: string, weight: number): number {
  let n = 0
  forEachTerm(text, (term) => {
    tf.set(term, (tf.get(term) ?? 0) + weight)
    n += weight
  })
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
  terms: string[]
  weights: number[]
  length: number
  text: string
  hash: string
}

/**
 * An analysis as the render cache keeps it: its summary, which every build
 * reads, and its terms, which only a build that lays the shards out reads (a
 * new process's edit patches them, search-patch.ts: the terms of the edited
 * posts and of a few others). The terms are most of an analysis's JSON
 * (~1,000 terms a post), and parsing every post's was most of an edit's
 * derive stage.
 */
export type StoredSummary = Omit<StoredAnalysis, 'terms' | 'weights'> & { count: number }
export type StoredTerms = Pick<StoredAnalysis, 'terms' | 'weights'>

export function storedAnalysis(post: Post, memo: AnalysisMemo): StoredAnalysis {
  const { terms, weights, length, text, hash } = analyse(post, memo)
  return { terms: [...terms], weights: [...weights], length, text, hash }
}

export const summaryOf = ({ length, text, hash, terms }: StoredAnalysis): StoredSummary => ({ length, text, hash, count: terms.length })
export const termsOf = ({ terms, weights }: StoredAnalysis): StoredTerms => ({ terms, weights })

/**
 * Gives a post its analysis from an earlier build, so an unchanged post is
 * not tokenized again: whole, or as its summary with its terms read when
 * first used (`terms`, the JSON of StoredTerms).
 */
export function primeAnalysis(post: Post, stored: StoredAnalysis | { summary: StoredSummary; terms: () => StoredTerms }, memo: AnalysisMemo): void {
  if (memo.has(post)) return
  if ('hash' in stored) {
    memo.set(post, { terms: stored.terms, weights: stored.weights, length: stored.length, text: stored.text, hash: stored.hash, count: stored.terms.length })
    return
  }
  const { summary, terms } = stored
  let read: StoredTerms | undefined
  memo.set(post, {
    get terms() {
      return (read ??= terms()).terms
    },
    get weights() {
      return (read ??= terms()).weights
    },
    length: summary.length,
    text: summary.text,
    hash: summary.hash,
    count: summary.count,
  })
}

/** A post's weighted term frequencies and snippet text, computed once per post. */
export function analyse(post: Post, memo: AnalysisMemo = new WeakMap()): Analysed {
  const cached = memo.get(post)
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
  const kept = cut(text, TEXT_LIMIT)
  // The hash is of the pairs, as it always was: it is in the doc table's fingerprints.
  const result = { terms: [...tf.keys()], weights: [...tf.values()], length, text: kept, hash: sha256(JSON.stringify([length, kept, [...tf]])), count: tf.size }
  memo.set(post, result)
  return result
}

/** Everything a post gives the index, its place and visibility included. */
const fingerprint = (post: Post, memo: AnalysisMemo): string => sha256(`${analyse(post, memo).hash}\n${post.path}\n${post.title}\n${post.day}\n${post.ms}`).slice(0, FINGERPRINT_CHARS)

/** Publication order, oldest first: the order doc ids follow. */
export const byPublication = (a: Post, b: Post): number => a.ms - b.ms || codeUnitOrder(a.path, b.path)

/**
 * Shards for a blog, from its postings: a power of two. A base keeps its
 * count; a build whose count differs folds the delta into a new base.
 */
export function shardCount(posts: Post[], memo: AnalysisMemo = new WeakMap()): number {
  const postings = posts.reduce((n, p) => n + analyse(p, memo).count, 0)
  let shards = 1
  while (shards < MAX_SHARD_COUNT && (postings * BYTES_PER_POSTING) / shards > TARGET_SHARD_BYTES) shards *= 2
  return shards
}

/** A base segment: what a later build's delta is measured against. */
export interface SearchBase {
  /** The base's records as the manifest names them: search:docs and search:shard:<n>. */
  records: Record<string, string>
  table: SearchDocsRecord
  /**
   * The base's blobs, when this process has them (an earlier build of
   * `npm start`). A deploy's base is already in KV and comes without them.
   * A text not made yet (a pack named by an earlier build, packs.ts) is made
   * only if a later build adopts it and something reads it there.
   */
  blobs?: ReadonlyMap<string, () => string>
}

export interface SearchIndex {
  /** Logical record names to blob hashes, for the manifest. */
  records: Record<string, string>
  /** Every blob the index uses (records and snippet texts): what its size counts. */
  blobs: string[]
  /** Blobs the index uses that this build did not make: a base that is in KV already. */
  external: string[]
  /** The base the next build can measure its delta against. */
  base: SearchBase
  /** Posts in the delta; 0 when this build made a new base. */
  delta: number
  /** The shards as laid out, for a build in a new process to patch; none with a delta, or past MAX_POSTINGS posts. */
  layout?: SearchLayout
}

/**
 * What a full index laid out, kept beside the render cache (search-layout.ts)
 * so that a build in a new process patches its shards (search-patch.ts).
 */
export interface SearchLayout {
  /** [path, ms, analysis hash, render-cache key of the analysis's terms] of each doc, by id. */
  docs: Array<[path: string, ms: number, hash: string, key: string]>
  /** Each shard: its record's sum, and its text, read when first needed (a new process reads only the shards an edit patches). */
  shards: LayoutShard[]
}

export interface LayoutShard {
  sum: BlobSum
  text: () => string
  /** The text's length, known without reading it. */
  length: number
}

/** What a build knows to patch the last layout: search-layout.ts. */
export interface LayoutInput {
  last?: SearchLayout
  /** The terms the last layout's edited posts had, by the key of their terms then (read before the cache is let go). */
  before: ReadonlyMap<string, Terms>
  /** The render-cache key of the terms of each analysis this build has, by its hash. */
  keys: ReadonlyMap<string, string>
}

/** At most this many edited posts are patched in; more, and the shards are laid out again. */
export const PATCH_MAX = 16

/**
 * Builds the index of `posts` (every post, scheduled ones included) into the
 * store. `kept`: what names records by an earlier build's sums, so that a
 * build in a new process neither stringifies nor hashes an unchanged post's
 * text again (record-sums.ts), nor joins a text pack whose members are the
 * same (packs.ts).
 */
export function searchIndex(posts: Post[], store: BlobStore, base: SearchBase | undefined, memo: AnalysisMemo, kept?: Kept): SearchIndex {
  const ordered = [...posts].sort(byPublication)
  const shards = shardCount(ordered, memo)
  if (base && base.table.shards === shards) {
    const delta = deltaOf(ordered, base, memo)
    const json = delta && JSON.stringify(delta)
    if (delta && delta.docs.length <= COMPACT_AT.docs && json!.length <= COMPACT_AT.bytes) return onBase(base, delta, store)
  }
  return fullIndex(ordered, shards, store, memo, kept)
}

interface Kept {
  sums: RecordSums
  packs: PackMemo
  layout?: LayoutInput
}

/** A new base of every post, and an empty delta. */
function fullIndex(ordered: Post[], shards: number, store: BlobStore, memo: AnalysisMemo, kept: Kept | undefined): SearchIndex {
  const docs: BaseDoc[] = []
  const texts = new Map<string, string>()
  const analyses = ordered.map((post) => analyse(post, memo))
  ordered.forEach((post, id) => {
    const { length, text } = analyses[id]!
    const record: SearchTextRecord = { kind: 'search-text', v: SCHEMA_VERSION, text }
    // A post's text is a function of the post alone.
    kept?.sums.hashed(record, kept.sums.keyOf(post, 'search-text', undefined))
    const textHash = store.put(record)
    if (!texts.has(textHash)) texts.set(textHash, `text:${Math.floor(id / TEXTS_PER_PACK)}`)
    docs.push([post.path, post.title, post.day, length, textHash, post.ms])
  })
  const refs = packGroups(store, texts, kept?.packs)
  for (const doc of docs) doc[4] = refs.get(doc[4]) ?? doc[4]
  const blobs = [...new Set(docs.map((d) => refBlob(d[4])))]
  const records: Record<string, string> = {}
  const last = kept?.layout?.last
  const patch = patched(ordered, analyses, shards, kept?.layout)
  // Each shard's text; none for one the patch left as it was.
  const shardTexts: Array<string | undefined> = patch ? Array.from({ length: shards }, (_, n) => patch.get(n)) : shardLayout(analyses, shards, docs.map((d) => d[3]))
  const laid: LayoutShard[] = []
  for (let n = 0; n < shards; n++) {
    const text = shardTexts[n]
    // A shard the patch left as it was is named by the last layout's sum: its text is read only if something needs it.
    const shard = text === undefined ? last!.shards[n]! : undefined
    const hash = shard ? store.putNamed(lazyShard(shard.text), shard.sum) : store.put({ kind: 'search-shard', v: SCHEMA_VERSION, data: text! } satisfies SearchShardRecord)
    laid.push(shard ?? { sum: { hash, bytes: store.bytes(hash), units: store.units(hash) }, text: () => text!, length: text!.length })
    records[shardRecord(n)] = hash
    blobs.push(hash)
  }
  const table: SearchDocsRecord = { kind: 'search-docs', v: SCHEMA_VERSION, shards, docs, fingerprints: ordered.map((p) => fingerprint(p, memo)).join('') }
  records[DOCS_RECORD] = store.put(table)
  blobs.push(records[DOCS_RECORD])
  const base: SearchBase = { records: { ...records }, table, blobs: new Map(blobs.map((h) => [h, store.blobs.textOf(h)!])) }
  records[DELTA_RECORD] = store.put(emptyDelta())
  blobs.push(records[DELTA_RECORD])
  return { records, blobs, external: [], base, delta: 0, layout: layoutOf(ordered, analyses, laid, kept?.layout) }
}

/**
 * Each shard's text from every post's postings (`analyses` in publication
 * order; `lengths` their BM25 lengths): shardData's layout, made as the
 * postings are encoded. What patchShards patches.
 */
export function shardLayout(analyses: readonly Terms[], shards: number, lengths: readonly number[]): string[] {
  const buckets = bucketed(analyses, shards)
  // Each post's arrays once: an analysis read from the render cache makes them when first asked (primeAnalysis).
  const termsOf = analyses.map((a) => a.terms)
  const weightsOf = analyses.map((a) => a.weights)
  const avgLength = lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0
  return buckets.map((bucket) => {
    // This shard's terms only: a Map of some thousand terms stays in the CPU's caches, where one of every
    // term (~1,000,000 at 10,000 posts) missed them on most of its ~10,000,000 lookups (~0.7 µs each).
    const lists = new Map<string, number[]>()
    for (let j = 0; j < bucket.length; j += 2) {
      const id = bucket.at(j)
      const term = termsOf[id]![bucket.at(j + 1)]!
      const tf = weightsOf[id]![bucket.at(j + 1)]!
      const list = lists.get(term)
      if (list) list.push(id, tf)
      else lists.set(term, [id, tf])
    }
    let data = ''
    for (const [term, list] of lists) {
      const df = list.length / 2
      data += `\n${term}\t${df > MAX_POSTINGS ? encodePairs(df, prune(pairsOf(list), lengths, avgLength)) : encodeFlat(list)}`
    }
    return data
  })
}

/** A growable list of 32-bit integers: a shard's postings as (post id, place in its analysis) pairs, 8 bytes each. */
class Ints {
  private data = new Int32Array(64)
  length = 0
  push(a: number, b: number): void {
    if (this.length + 2 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length++] = a
    this.data[this.length++] = b
  }
  at(i: number): number {
    return this.data[i]!
  }
}

/** Every posting, by shard, in publication order and each post's analysis order: the order the terms first appear in. */
function bucketed(analyses: readonly Terms[], shards: number): Ints[] {
  const buckets = Array.from({ length: shards }, () => new Ints())
  analyses.forEach(({ terms }, id) => {
    for (let i = 0; i < terms.length; i++) buckets[shardOf(terms[i]!, shards)]!.push(id, i)
  })
  return buckets
}

/** A shard's record, its text made when first read (JSON.stringify reads a getter). */
const lazyShard = (text: () => string): SearchShardRecord => ({
  kind: 'search-shard',
  v: SCHEMA_VERSION,
  get data() {
    return text()
  },
})

/**
 * The shards this build's edited posts change, patched into the last
 * layout's, when the posts are the layout's, in its order, with at most
 * PATCH_MAX of them edited, and the terms each had then are known; otherwise
 * none (and when a kept shard cannot be read: search-layout.ts).
 */
function patched(ordered: Post[], analyses: readonly Analysed[], shards: number, input: LayoutInput | undefined): Map<number, string> | undefined {
  const last = input?.last
  if (!last || last.shards.length !== shards || last.docs.length !== ordered.length || ordered.length > MAX_POSTINGS) return undefined
  const changes: Change[] = []
  for (let id = 0; id < ordered.length; id++) {
    const [path, ms, hash, key] = last.docs[id]!
    if (path !== ordered[id]!.path || ms !== ordered[id]!.ms) return undefined
    if (hash === analyses[id]!.hash) continue
    const before = input.before.get(key)
    if (!before || changes.length === PATCH_MAX) return undefined
    changes.push({ id, before, after: analyses[id]! })
  }
  try {
    return patchShards(shards, (n) => last.shards[n]!.text(), changes, (id) => analyses[id]!.terms)
  } catch {
    return undefined // a kept shard missing or damaged: laid out again
  }
}

/** The layout to keep, when every analysis has a render-cache key and the blog is small enough to patch. */
function layoutOf(ordered: Post[], analyses: readonly Analysed[], shards: LayoutShard[], input: LayoutInput | undefined): SearchLayout | undefined {
  if (!input || ordered.length > MAX_POSTINGS) return undefined
  const docs: SearchLayout['docs'] = []
  for (let id = 0; id < ordered.length; id++) {
    const key = input.keys.get(analyses[id]!.hash)
    if (key === undefined) return undefined
    docs.push([ordered[id]!.path, ordered[id]!.ms, analyses[id]!.hash, key])
  }
  return { docs, shards }
}

const emptyDelta = (): SearchDeltaRecord => ({ kind: 'search-delta', v: SCHEMA_VERSION, removed: [], docs: [], data: '' })

/** The posts that differ from the base and the base ids they hide; null when the base is not a Kumo base. */
function deltaOf(ordered: Post[], base: SearchBase, memo: AnalysisMemo): SearchDeltaRecord | null {
  const { docs, fingerprints } = base.table
  if (typeof fingerprints !== 'string' || fingerprints.length !== docs.length * FINGERPRINT_CHARS) return null
  const current = new Map<string, number>()
  docs.forEach((doc, id) => current.set(`${doc[0]}\n${fingerprints.slice(id * FINGERPRINT_CHARS, (id + 1) * FINGERPRINT_CHARS)}`, id))
  const kept = new Set<number>()
  const changed: Post[] = []
  for (const post of ordered) {
    const id = current.get(`${post.path}\n${fingerprint(post, memo)}`)
    if (id === undefined) changed.push(post)
    else kept.add(id)
  }
  const removed = docs.map((_, id) => id).filter((id) => !kept.has(id))
  const lists = new Postings()
  const deltaDocs: DeltaDoc[] = changed.map((post, i) => {
    const analysed = analyse(post, memo)
    const { length, text } = analysed
    lists.add(docs.length + i, analysed)
    return [post.path, post.title, post.day, length, text, post.ms]
  })
  const terms = lists.terms().map((term): [string, string] => [term, encodeFlat(lists.of(term))])
  return { kind: 'search-delta', v: SCHEMA_VERSION, removed, docs: deltaDocs, data: shardData(terms) }
}

/** The base's records as they are, and the delta as a new record. */
function onBase(base: SearchBase, delta: SearchDeltaRecord, store: BlobStore): SearchIndex {
  const used = [...new Set([...Object.values(base.records), ...base.table.docs.map((d) => refBlob(d[4]))])]
  const external: string[] = []
  for (const hash of used) {
    const json = base.blobs?.get(hash)
    if (json === undefined) external.push(hash)
    else store.adopt(hash, json)
  }
  const records = { ...base.records, [DELTA_RECORD]: store.put(delta) }
  return { records, blobs: [...used, records[DELTA_RECORD]], external, base, delta: delta.docs.length }
}

/**
 * Each term's postings as one flat array, `id, tf, id, tf, …` in the order
 * added (ids ascending): a 1,000-post blog has ~1,000,000 postings, and a
 * [id, tf] pair each was most of the index's allocation.
 */
class Postings {
  private readonly lists = new Map<string, number[]>()

  add(id: number, { terms, weights }: Terms): void {
    for (let i = 0; i < terms.length; i++) {
      const list = this.lists.get(terms[i]!)
      if (list) list.push(id, weights[i]!)
      else this.lists.set(terms[i]!, [id, weights[i]!])
    }
  }

  /** The terms in code-unit order: one layout of a shard for the same content, whatever order the posts came in. */
  terms(): string[] {
    return [...this.lists.keys()].sort()
  }

  of(term: string): number[] {
    return this.lists.get(term)!
  }
}

const pairsOf = (flat: number[]): Array<[number, number]> => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!])

const encodePairs = (df: number, kept: Array<[number, number]>): string => encodePostings({ df, ids: kept.map((p) => p[0]), tfs: kept.map((p) => p[1]) })

/** The MAX_POSTINGS posts where the term's BM25 weight is highest, back in id order. */
function prune(list: Array<[number, number]>, lengths: readonly number[], avgLength: number): Array<[number, number]> {
  const { k1, b } = BM25
  const weight = ([id, tf]: [number, number]) => tf / (tf + k1 * (1 - b + (b * lengths[id]!) / (avgLength || 1)))
  return list
    .map((p) => [p, weight(p)] as const)
    .sort((x, y) => y[1] - x[1] || y[0][0] - x[0][0])
    .slice(0, MAX_POSTINGS)
    .map(([p]) => p)
    .sort((x, y) => x[0] - y[0])
}

/** Bytes the index's blobs take in KV. */
export function indexBytes(index: SearchIndex, store: BlobStore): number {
  return index.blobs.reduce((n, h) => n + store.bytes(h), 0)
}
