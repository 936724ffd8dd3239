/**
 * The search index's shards, patched rather than laid out again: a build in a
 * new process whose posts are those of the last layout, in the same order,
 * with a few of them edited, changes only the edited posts' terms in the
 * kept shard texts. Laying out every post's postings again was most of an
 * edit's search stage (a 168-post Chinese blog: ~150 of ~220 ms, putting
 * ~300,000 postings into one Map).
 *
 * The result is the layout the full build makes (search-index.ts
 * `shardLayout`), byte for byte, so an edit's build id is a cold build's. In
 * that layout a shard lists its terms in the order they first appear: by the
 * first post whose analysis has the term (posts in publication order), then
 * by the term's place in that post's analysis. Editing post k moves only the
 * terms whose first post was or becomes k: they form k's block, between the
 * terms first met before k and those first met after it, and a term edited
 * out of k goes to the block of the next post that has it.
 */

import { forEachPosting } from '../../src/shared/search.ts'
import { shardOf } from '../../src/shared/tokenize.ts'

/** A post's analysed terms and their weights, at the same places (search-index.ts Analysed). */
export interface Terms {
  terms: readonly string[]
  weights: readonly number[]
}

/** One post (by its doc id) as the kept layout has it, and as it is now. */
export interface Change {
  id: number
  before: Terms
  after: Terms
}

/** Base 36 of 0…1295 (two digits), made once: most gaps and term counts are small, and toString(36) was ~15% of the stage. */
const B36 = Array.from({ length: 1296 }, (_, n) => n.toString(36))
const b36 = (n: number): string => B36[n] ?? n.toString(36)

/** encodePostings (src/shared/search.ts) of a flat `id, tf, id, tf, …` list, every posting kept: df is its length. */
export function encodeFlat(flat: readonly number[]): string {
  let prev = 0
  let out = `${b36(flat.length / 2)};`
  for (let i = 0; i < flat.length; i += 2) {
    out += `${i ? ',' : ''}${b36(flat[i]! - prev)}.${b36(flat[i + 1]!)}`
    prev = flat[i]!
  }
  return out
}

/** A shard line's postings as a flat list: `text` from `from` to the line's end. */
function decodeFlat(text: string, from: number, end: number): number[] {
  const flat: number[] = []
  forEachPosting(text.slice(from, end), (id, tf) => flat.push(id, tf))
  return flat
}

/** The first doc id of the shard line at `at` (`term\tdf;gap.tf,…`): its first gap. */
function firstOf(text: string, at: number): number {
  let i = text.indexOf(';', text.indexOf('\t', at)) + 1
  let value = 0
  for (let c = text.charCodeAt(i); c !== 46 /* . */; c = text.charCodeAt(++i)) value = value * 36 + (c <= 57 ? c - 48 : c - 87)
  return value
}

/** `flat` without `id`'s posting, and with (id, tf) in id order when tf is given. */
function withPosting(flat: readonly number[], id: number, tf: number | undefined): number[] {
  const out: number[] = []
  let placed = tf === undefined
  for (let i = 0; i < flat.length; i += 2) {
    if (!placed && flat[i]! > id) {
      out.push(id, tf!)
      placed = true
    }
    if (flat[i] !== id) out.push(flat[i]!, flat[i + 1]!)
  }
  if (!placed) out.push(id, tf!)
  return out
}

/** The first n in [lo, hi) for which `before(n)` is false (true, then false, over the range). */
function partition(before: (n: number) => boolean, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (before(mid)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A term's first two UTF-16 units as one number (a one-unit term's second is the tab after it): most lines are passed over on it, unsliced. */
const prefixOf = (term: string): number => term.charCodeAt(0) * 65536 + (term.length > 1 ? term.charCodeAt(1) : 9)

/**
 * One change's terms in one shard: those whose postings change, as they are
 * now (weight and place in the post's analysis) and as they were; and the
 * place of every term the post has now, which orders k's block.
 */
interface ShardTerms {
  after: Map<string, [tf: number, place: number]>
  before: Set<string>
  prefixes: Set<number>
  places: ReadonlyMap<string, [tf: number, place: number]>
}

/**
 * Whether the terms the post had and still has are in the same order in both
 * analyses: then a term whose weight is the same keeps its line and its place
 * in k's block, and only the others are patched (an edit that adds a sentence
 * changes a few terms of the ~1,000). Otherwise every term is patched.
 */
function sameOrder(change: Change, places: ReadonlyMap<string, [number, number]>): boolean {
  let last = -1
  for (const term of change.before.terms) {
    const now = places.get(term)
    if (!now) continue
    if (now[1] < last) return false
    last = now[1]
  }
  return true
}

/** A change's terms whose postings change, by shard. */
function byShard(change: Change, shards: number): Map<number, ShardTerms> {
  const places = new Map<string, [number, number]>(change.after.terms.map((term, i) => [term, [change.after.weights[i]!, i]]))
  const was = new Map(change.before.terms.map((term, i) => [term, change.before.weights[i]!]))
  const every = !sameOrder(change, places)
  const out = new Map<number, ShardTerms>()
  const of = (term: string) => {
    const n = shardOf(term, shards)
    let entry = out.get(n)
    if (!entry) out.set(n, (entry = { after: new Map(), before: new Set(), prefixes: new Set(), places }))
    entry.prefixes.add(prefixOf(term))
    return entry
  }
  for (const [term, now] of places) if (every || was.get(term) !== now[0]) of(term).after.set(term, now)
  for (const [term, tf] of was) if (every || places.get(term)?.[0] !== tf) of(term).before.add(term)
  return out
}

/** A shard text's lines: where each starts, and the lines whose terms `terms` has, with those terms. */
function scan(text: string, terms: ShardTerms): { starts: number[]; hits: Array<[line: number, term: string]> } {
  const starts: number[] = []
  const hits: Array<[number, string]> = []
  for (let at = 1; at < text.length; ) {
    starts.push(at)
    let end = text.indexOf('\n', at)
    if (end < 0) end = text.length
    if (terms.prefixes.has(text.charCodeAt(at) * 65536 + text.charCodeAt(at + 1))) {
      const term = text.slice(at, text.indexOf('\t', at))
      if (terms.after.has(term) || terms.before.has(term)) hits.push([starts.length - 1, term])
    }
    at = end + 1
  }
  return { starts, hits }
}

/** A line to insert before line `at` of the text as it was: in the block of post `first`, at `rank` in its analysis. */
interface Insert {
  at: number
  first: number
  rank: number
  line: string
}

/**
 * Applies one post's change to one shard's text. `termsOf(j)`: post j's
 * terms as they are at this point of the patch. Lines not touched are copied
 * as runs of the text, not one by one.
 */
function patchText(text: string, id: number, terms: ShardTerms, termsOf: (id: number) => readonly string[]): string {
  const { starts, hits } = scan(text, terms)
  const n = starts.length
  const endOf = (i: number) => (i + 1 < n ? starts[i + 1]! - 1 : text.length)
  const firstAt = (i: number) => firstOf(text, starts[i]!)
  const termAt = (i: number) => text.slice(starts[i]!, text.indexOf('\t', starts[i]!))
  const replaced = new Map<number, string | null>()
  const inserts: Insert[] = []
  const kLo = partition((i) => firstAt(i) < id, 0, n)
  const kAt = partition((i) => firstAt(i) <= id, kLo, n)
  const ranks = new Map<number, Map<string, number>>()
  const rankIn = (first: number) => {
    let rank = ranks.get(first)
    if (!rank) ranks.set(first, (rank = new Map(termsOf(first).map((term, i) => [term, i]))))
    return rank
  }
  const seen = new Set<string>()
  for (const [i, term] of hits) {
    seen.add(term)
    const old = decodeFlat(text, starts[i]! + term.length + 1, endOf(i))
    const now = terms.after.get(term)
    const list = withPosting(old, id, now?.[0])
    const line = `${term}\t${encodeFlat(list)}`
    // First at k before or now: it moves. Neither: the same first post, so the same place.
    const moves = list[0] === id || old[0] === id
    replaced.set(i, list.length && !moves ? line : null)
    if (!list.length || !moves) continue
    if (list[0] === id) inserts.push({ at: -1, first: id, rank: now![1], line })
    else {
      // Edited out of k, its first post: to the block of the next post that has it, in that post's order.
      const first = list[0]!
      const rank = rankIn(first)
      const lo = partition((j) => firstAt(j) < first, kAt, n)
      const hi = partition((j) => firstAt(j) <= first, lo, n)
      const own = rank.get(term)!
      const at = partition((j) => rank.get(termAt(j))! < own, lo, hi)
      inserts.push({ at, first, rank: own, line })
    }
  }
  for (const [term, [tf, place]] of terms.after) if (!seen.has(term)) inserts.push({ at: -1, first: id, rank: place, line: `${term}\t${encodeFlat([id, tf])}` })
  // k's block keeps the lines not patched, in k's order: each patched one goes before the first that comes after it there.
  const stays = Array.from({ length: kAt - kLo }, (_, i) => kLo + i).filter((i) => replaced.get(i) !== null)
  const rankAt = (i: number) => terms.places.get(termAt(i))![1]
  for (const insert of inserts) {
    if (insert.at >= 0) continue
    const after = partition((j) => rankAt(stays[j]!) < insert.rank, 0, stays.length)
    insert.at = after < stays.length ? stays[after]! : kAt
  }
  return splice(text, starts, replaced, inserts)
}

/** The text with lines replaced or dropped (null) and lines inserted, unchanged runs copied whole. */
function splice(text: string, starts: number[], replaced: Map<number, string | null>, inserts: Insert[]): string {
  inserts.sort((a, b) => a.at - b.at || a.first - b.first || a.rank - b.rank)
  const events = [...new Set([...replaced.keys(), ...inserts.map((x) => x.at)])].sort((a, b) => a - b)
  const n = starts.length
  const pieces: string[] = []
  let cursor = 0
  let next = 0
  for (const e of events) {
    pieces.push(text.slice(cursor, e < n ? starts[e]! - 1 : text.length))
    cursor = e < n ? starts[e]! - 1 : text.length
    for (; next < inserts.length && inserts[next]!.at === e; next++) pieces.push(`\n${inserts[next]!.line}`)
    if (!replaced.has(e)) continue
    const line = replaced.get(e)
    if (line !== null) pieces.push(`\n${line}`)
    cursor = e + 1 < n ? starts[e + 1]! - 1 : text.length
  }
  pieces.push(text.slice(cursor))
  return pieces.join('')
}

/**
 * The shards that `changes` change, applied in turn, by number, as new texts
 * (shardData's layout): `textOf(n)` is shard n's text in the kept layout, read
 * only for the shards patched; `termsOf(j)` the terms of an unchanged post j.
 */
export function patchShards(shards: number, textOf: (n: number) => string, changes: readonly Change[], termsOf: (id: number) => readonly string[]): Map<number, string> {
  const current = new Map(changes.map((c) => [c.id, c.before.terms]))
  const now = (id: number) => current.get(id) ?? termsOf(id)
  const out = new Map<number, string>()
  for (const change of changes) {
    for (const [n, terms] of byShard(change, shards)) out.set(n, patchText(out.get(n) ?? textOf(n), change.id, terms, now))
    current.set(change.id, change.after.terms)
  }
  return out
}
