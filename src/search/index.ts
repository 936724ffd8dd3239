/**
 * Search at the edge: a query is tokenized exactly as the build tokenized the
 * posts, its terms' shards are fetched, posts are ranked with BM25 and the hits
 * of the asked page get snippets with the matched text marked.
 *
 * The index is a base segment and a small delta (src/shared/search.ts); a
 * query reads both and merges them: a base doc the delta hides is skipped, a
 * term's df is the sum of both segments', and a doc not yet visible at `now`
 * (a scheduled post) is left out.
 *
 * KV reads per query (how the budget is counted):
 *   - the doc table and the delta, in one bulk read, once per isolate per
 *     index version (cached by blob hashes, like the manifest), then never again;
 *   - one bulk read of the query's shards: one record per distinct shard, at
 *     most SHARDS_PER_QUERY (8); terms past that budget are left out (`partial`);
 *   - when there are hits from the base, one bulk read of their snippet texts
 *     (at most PAGE_SIZE records); the delta's texts are inline.
 * The manifest itself is the one every request already holds in memory.
 */

import { readRecord, readRecords, recordAt } from '../data/index.ts'
import { HttpError } from '../errors.ts'
import type { ManifestIndex } from '../shared/manifest-codec.ts'
import {
  BM25,
  DELTA_RECORD,
  DOCS_RECORD,
  forEachPosting,
  postingsIn,
  shardRecord,
  type SearchDeltaRecord,
  type SearchDocsRecord,
  type SearchShardRecord,
  type SearchTextRecord,
} from '../shared/search.ts'
import { findTerms, queryUnits, shardOf, type QueryUnit } from '../shared/tokenize.ts'

export const PAGE_SIZE = 10
/** Longest query accepted, in characters (code points). */
export const MAX_QUERY_CHARS = 200
/** Most shards one query reads. */
export const SHARDS_PER_QUERY = 8
/** Highest page number served: deeper pages are never what a reader wants. */
export const MAX_PAGE = 100
/** A CJK run matches a post when at least this share of its bigrams do: tolerant of a missing comma. */
const CJK_MATCH_SHARE = 0.6
const SNIPPET_CHARS = 160
const SNIPPET_LEAD = 30

export type QueryProblem = 'empty' | 'too-long' | 'no-terms'

export type ParsedQuery = { ok: true; query: string; units: QueryUnit[] } | { ok: false; query: string; problem: QueryProblem }

/** Checks and tokenizes a raw `q`; problems are answers, not errors. */
export function parseQuery(raw: string | undefined): ParsedQuery {
  const query = (raw ?? '').trim()
  if (!query) return { ok: false, query, problem: 'empty' }
  // Counted by code point, the way a reader counts characters; a 2 KB URL is cut off before tokenizing.
  if (query.length > MAX_QUERY_CHARS * 2 || [...query].length > MAX_QUERY_CHARS) return { ok: false, query, problem: 'too-long' }
  const units = queryUnits(query)
  if (!units.length) return { ok: false, query, problem: 'no-terms' }
  return { ok: true, query, units }
}

/** A run of text, marked when it matched the query. */
export type Segment = [text: string, hit: boolean]

export interface Hit {
  path: string
  title: Segment[]
  day: string
  snippet: Segment[]
  score: number
}

export interface SearchResult {
  total: number
  page: number
  pages: number
  hits: Hit[]
  /** Some query terms were not searched: they would have needed more than SHARDS_PER_QUERY shards. */
  partial: boolean
}

/** Base and delta as one table, with each doc's BM25 length normalisation precomputed. */
interface Table {
  shards: number
  /** Doc id → [path, title, day]; base ids first, then the delta's. */
  docs: Array<[path: string, title: string, day: string]>
  baseCount: number
  delta: SearchDeltaRecord
  base: SearchDocsRecord
  /** k1 · (1 − b + b · length / avgLength), by doc id. */
  norms: Float64Array
  /** When each doc becomes visible (epoch ms); +Infinity for a base doc the delta hides. */
  from: Float64Array
  /** Docs visible at a time, for idf: counted once per table per `now` step. */
  visibleAt: { now: number; count: number }
}

/** Tables by doc table and delta hashes: unchanged across builds that do not change the index. */
const tables = new Map<string, Table>()
const MAX_TABLES = 2

/** Drops the cached tables; tests use it to count a cold query's reads. */
export function resetSearchCache(): void {
  tables.clear()
}

async function table(kv: KVNamespace, docsHash: string, deltaHash: string): Promise<Table> {
  const key = `${docsHash}:${deltaHash}`
  const cached = tables.get(key)
  if (cached) return cached
  const [base, delta] = (await readRecords(kv, [docsHash, deltaHash])) as [SearchDocsRecord, SearchDeltaRecord]
  if (base.kind !== 'search-docs' || delta.kind !== 'search-delta') throw new HttpError('unavailable', `search records ${key} are not a doc table and a delta`)
  const all = [...base.docs, ...delta.docs]
  const from = Float64Array.from(all, (d) => d[5])
  for (const id of delta.removed) from[id] = Infinity
  let total = 0
  let live = 0
  all.forEach((d, id) => {
    if (from[id] !== Infinity) (total += d[3]), live++
  })
  const { k1, b } = BM25
  const avg = live ? total / live : 1
  const built: Table = {
    shards: base.shards,
    docs: all.map((d) => [d[0], d[1], d[2]]),
    baseCount: base.docs.length,
    delta,
    base,
    norms: Float64Array.from(all, (d) => k1 * (1 - b + (b * d[3]) / (avg || 1))),
    from,
    visibleAt: { now: NaN, count: 0 },
  }
  if (tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value!)
  tables.set(key, built)
  return built
}

/** Docs visible at `now`: the N of idf, so a scheduled post does not weigh before its time. */
function visible(t: Table, now: number): number {
  if (t.visibleAt.now !== now) {
    let count = 0
    for (const f of t.from) if (f <= now) count++
    t.visibleAt = { now, count }
  }
  return t.visibleAt.count
}

/**
 * The terms to look up, within the shard budget: one term of each unit in
 * turn, so a long query keeps some of every word rather than all of the first.
 */
export function selectTerms(units: QueryUnit[], shards: number): { perUnit: string[][]; shardIds: number[]; partial: boolean } {
  const chosen = new Set<number>()
  const perUnit: string[][] = units.map(() => [])
  let partial = false
  const longest = Math.max(...units.map((u) => u.terms.length))
  for (let i = 0; i < longest; i++) {
    units.forEach((unit, u) => {
      const term = unit.terms[i]
      if (term === undefined) return
      const shard = shardOf(term, shards)
      if (chosen.has(shard) || chosen.size < SHARDS_PER_QUERY) {
        chosen.add(shard)
        perUnit[u]!.push(term)
      } else partial = true
    })
  }
  return { perUnit, shardIds: [...chosen], partial }
}

function hashOf(manifest: ManifestIndex, name: string, now: number): string {
  const hash = recordAt(manifest, name, now)
  if (!hash) throw new HttpError('unavailable', `manifest ${manifest.buildId} has no ${name}; rebuild with this version of Kumo`)
  return hash
}

interface Scored {
  id: number
  score: number
}

/**
 * Ranks every post matching all units (BM25 over the weighted term
 * frequencies). Unit by unit: a post's terms matched in this unit are counted,
 * and the unit passes when enough did; a post must pass every unit that had
 * terms to look up. Typed arrays indexed by doc id: no per-posting allocation.
 */
function rank(t: Table, now: number, perUnit: string[][], shardsById: Map<number, SearchShardRecord>): Scored[] {
  const { k1 } = BM25
  const size = t.docs.length
  const n = visible(t, now)
  const scores = new Float64Array(size)
  const passed = new Uint16Array(size)
  const count = new Uint16Array(size)
  let seen: number[] = []
  let units = 0
  for (const terms of perUnit) {
    if (!terms.length) continue
    units++
    const touched: number[] = []
    for (const term of terms) {
      const shard = shardsById.get(shardOf(term, t.shards))
      const lists = [shard && postingsIn(shard, term), postingsIn(t.delta, term)].filter((l): l is string => !!l)
      if (!lists.length) continue
      // A term's df sums both segments: a hidden base doc still counts until the next fold, a small bias.
      const df = lists.reduce((sum, l) => sum + parseInt(l.slice(0, l.indexOf(';')), 36), 0)
      const idf = Math.log(1 + Math.max(0, n - df + 0.5) / (df + 0.5))
      for (const encoded of lists) {
        forEachPosting(encoded, (id, tf) => {
          if (id >= size || !(t.from[id]! <= now)) return
          if (count[id] === 0) touched.push(id)
          count[id]!++
          scores[id]! += (idf * tf * (k1 + 1)) / (tf + t.norms[id]!)
        })
      }
    }
    const needed = terms.length <= 1 ? terms.length : Math.ceil(terms.length * CJK_MATCH_SHARE)
    for (const id of touched) {
      if (count[id]! >= needed) passed[id]!++
      count[id] = 0
    }
    // A match must pass the first unit, so the posts it touched are the candidates.
    if (units === 1) seen = touched
  }
  const out: Scored[] = []
  for (const id of seen) if (passed[id] === units) out.push({ id, score: scores[id]! })
  // Equal scores: the newer post first.
  return out.sort((x, y) => y.score - x.score || y.id - x.id)
}

/** Snippet texts of the hits: the base's from KV in one bulk read, the delta's inline. */
async function texts(kv: KVNamespace, t: Table, ids: number[]): Promise<string[]> {
  const wanted = ids.filter((id) => id < t.baseCount)
  const read = wanted.length ? await readRecords<SearchTextRecord>(kv, wanted.map((id) => t.base.docs[id]![4])) : []
  const byId = new Map(wanted.map((id, i) => [id, read[i]!.text]))
  return ids.map((id) => byId.get(id) ?? t.delta.docs[id - t.baseCount]![4])
}

/** Runs a parsed query against the index the manifest names at `now`. */
export async function search(kv: KVNamespace, manifest: ManifestIndex, now: number, units: QueryUnit[], page: number): Promise<SearchResult> {
  const t = await table(kv, hashOf(manifest, DOCS_RECORD, now), hashOf(manifest, DELTA_RECORD, now))
  const { perUnit, shardIds, partial } = selectTerms(units, t.shards)
  const shardRecords = await readRecords<SearchShardRecord>(kv, shardIds.map((s) => hashOf(manifest, shardRecord(s), now)))
  const shardsById = new Map(shardIds.map((s, i) => [s, shardRecords[i]!]))
  const ranked = rank(t, now, perUnit, shardsById)
  const pages = Math.max(1, Math.ceil(ranked.length / PAGE_SIZE))
  const slice = ranked.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
  const snippets = await texts(
    kv,
    t,
    slice.map((s) => s.id),
  )
  const terms = new Set(units.flatMap((u) => u.terms))
  const hits = slice.map(({ id, score }, i): Hit => {
    const [path, title, day] = t.docs[id]!
    return { path, title: highlight(title, terms), day, snippet: snippet(snippets[i]!, terms), score: Math.round(score * 1000) / 1000 }
  })
  return { total: ranked.length, page, pages, hits, partial }
}

interface Range {
  start: number
  end: number
  term: string
}

const matches = (text: string, terms: Set<string>): Range[] => findTerms(text, terms)

/** Splits text[from, to) into plain and marked segments; overlapping matches merge. */
function segments(text: string, ranges: Range[], from = 0, to = text.length): Segment[] {
  const out: Segment[] = []
  let at = from
  for (const r of ranges) {
    if (r.end <= at || r.start >= to) continue
    const start = Math.max(r.start, at)
    if (start > at) out.push([text.slice(at, start), false])
    const end = Math.min(r.end, to)
    const last = out.at(-1)
    if (last?.[1] && start === at) last[0] += text.slice(start, end)
    else out.push([text.slice(start, end), true])
    at = end
  }
  if (at < to) out.push([text.slice(at, to), false])
  return out
}

/** The whole of a short text (a title) with its matches marked. */
export function highlight(text: string, terms: Set<string>): Segment[] {
  return segments(text, matches(text, terms))
}

/** Moves an offset off the second half of a surrogate pair. */
const boundary = (text: string, i: number): number => (/[\uDC00-\uDFFF]/.test(text[i] ?? '') ? i - 1 : i)

const WORDISH = /[\p{L}\p{N}\p{M}'’]/u
/** Widens [from, to) to whole runs (at most 64 characters each way), so tokenizing the slice cuts no word. */
function wholeRuns(text: string, from: number, to: number): [number, number] {
  let a = from
  while (a > 0 && from - a < 64 && WORDISH.test(text[a - 1]!)) a--
  let b = to
  while (b < text.length && b - to < 64 && WORDISH.test(text[b]!)) b++
  return [boundary(text, a), b]
}

/**
 * Where the query's terms probably are: plain substring search of the
 * lower-cased text, which finds CJK terms and ASCII words without tokenizing
 * thousands of characters. Falls back to tokenizing when it finds nothing
 * (diacritics, full-width letters) or lower-casing changed the length.
 */
function candidates(text: string, terms: Set<string>): Range[] {
  const lower = text.toLowerCase()
  const found: Range[] = []
  if (lower.length === text.length) {
    for (const term of terms) {
      for (let at = lower.indexOf(term); at >= 0 && found.length < 500; at = lower.indexOf(term, at + term.length)) {
        found.push({ start: at, end: at + term.length, term })
      }
    }
  }
  return found.length ? found.sort((a, b) => a.start - b.start) : matches(text, terms).slice(0, 500)
}

/**
 * About SNIPPET_CHARS of the text around its densest cluster of matches (the
 * window holding the most distinct query terms), with the matches marked.
 * Only the window is tokenized to mark matches exactly.
 */
export function snippet(text: string, terms: Set<string>): Segment[] {
  const ranges = candidates(text, terms)
  let best = ranges[0]
  let bestCount = 0
  for (let i = 0; i < ranges.length; i++) {
    const seen = new Set<string>()
    const limit = ranges[i]!.start + SNIPPET_CHARS
    for (let j = i; j < ranges.length && ranges[j]!.end <= limit; j++) seen.add(ranges[j]!.term)
    if (seen.size > bestCount) [best, bestCount] = [ranges[i], seen.size]
  }
  let start = best ? Math.max(0, best.start - SNIPPET_LEAD) : 0
  // Start at a word or character boundary, not inside a Latin word.
  if (start > 0) {
    const space = text.lastIndexOf(' ', start)
    start = space >= 0 && start - space < 15 ? space + 1 : boundary(text, start)
  }
  const end = Math.min(text.length, boundary(text, start + SNIPPET_CHARS))
  const [from, to] = wholeRuns(text, start, end)
  const exact = matches(text.slice(from, to), terms).map((r) => ({ ...r, start: r.start + from, end: r.end + from }))
  const out = segments(text, exact, start, end)
  if (start > 0) out.unshift(['…', false])
  if (end < text.length) out.push(['…', false])
  return out
}
