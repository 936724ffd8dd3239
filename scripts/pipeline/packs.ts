/**
 * Stage "pack": cuts the build into fewer KV keys (src/shared/packs.ts). Runs
 * after every epoch is materialised, so ETags still hash each record on its
 * own: editing one post changes its pack's hash but not the ETag or
 * Last-Modified of the other posts in it.
 *
 * What goes together, and why:
 * - a post's page records (its body, its links): `POSTS_PER_PACK` consecutive
 *   posts, oldest first, so a post page is one key, and a new post changes
 *   only the newest pack (and its neighbours' links);
 * - its feed entry and Markdown, packed the same way apart, so a post page
 *   does not read them;
 * - its `meta:` record (what a listing shows), `METAS_PER_PACK` to a pack;
 * - a list's chunks: those covering one run of `LIST_PACK` oldest-first
 *   positions of a scope (home, a tag, a category), the HTML listing and the
 *   feeds together, the newest run with the scope records, so page 1 of a
 *   small tag and its feeds are one key and a new post rewrites one per list.
 * Packs are counted from the oldest post, like chunks (paging.ts): adding a
 * post touches the newest; deleting or back-dating one shifts the packs after
 * it (written again once).
 */

import { entryRecord, linksRecord, markdownRecord, metaRecord } from '../../src/shared/keys.ts'
import { packRef } from '../../src/shared/packs.ts'
import { chunkHashes, pageChunks, pageSpan, rangeChunks } from '../../src/shared/paging.ts'
import { isPaged, recordOf } from '../../src/shared/route-entry.ts'
import { markdownPath } from '../../src/shared/paths.ts'
import type { PagedRouteEntry, RouteEntry, ScheduleStep } from '../../src/shared/schema.ts'
import type { Epochs } from './epochs.ts'
import { sha256, type BlobStore, type Materialised } from './manifest.ts'
import { lazyText, type LazyText } from './blob-texts.ts'
import type { Post } from './posts.ts'
import { codeUnitOrder } from './sources.ts'

export const POSTS_PER_PACK = 4
export const METAS_PER_PACK = 32
/** Oldest-first list positions a list pack covers: what a chunk was before chunks had a page's length. */
export const LIST_PACK = 100

/** The pack each post's records go in, by logical name or route path. */
function postGroups(posts: Post[]): Map<string, string> {
  const groups = new Map<string, string>()
  const ordered = [...posts].sort((a, b) => a.ms - b.ms || codeUnitOrder(a.path, b.path))
  ordered.forEach((post, i) => {
    const page = `page:${Math.floor(i / POSTS_PER_PACK)}`
    const machine = `machine:${Math.floor(i / POSTS_PER_PACK)}`
    groups.set(post.path, page).set(linksRecord(post.path), page)
    groups.set(entryRecord(post.path), machine).set(markdownRecord(post.path), machine).set(markdownPath(post.path), machine)
    groups.set(metaRecord(post.path), `meta:${Math.floor(i / METAS_PER_PACK)}`)
  })
  return groups
}

interface ScopeJson {
  kind: string
  pageSize: number
  scope?: { type: string; slug?: string }
}

/** Groups of a listing or feed page's scope record and chunks: by scope, then by run of list positions. */
function listGroups(entry: PagedRouteEntry, scope: ScopeJson, assign: (hash: string, group: string) => void): void {
  const [scopeHash, , , , total, page] = entry
  const name = scope.scope ? `${scope.scope.type}:${scope.scope.slug ?? ''}` : scope.kind
  const size = scope.pageSize
  const { from, to } = pageSpan(entry, size)
  const indices = scope.kind === 'listing-scope' ? pageChunks(total, size, page) : rangeChunks(total, size, from, to)
  const hashes = chunkHashes(entry)
  hashes.forEach((hash, k) => assign(hash, `list:${name}:${Math.floor(((indices[k] ?? 0) * size) / LIST_PACK)}`))
  assign(scopeHash, `list:${name}:${Math.floor(Math.max(0, total - 1) / LIST_PACK)}`)
}

/** `o`'s entries in code-unit order of their keys: the default sort of strings, which calls no comparator. */
const sorted = <T>(o: Record<string, T>): Array<[string, T]> => Object.keys(o).sort().map((k) => [k, o[k]!])

/** hash → group, the first claim winning, in an order fixed by the content (base by key, then the steps). */
function assignGroups(epochs: Epochs, posts: Post[]): Map<string, string> {
  const byName = postGroups(posts)
  const groups = new Map<string, string>()
  const assign = (hash: string, group: string) => {
    if (!groups.has(hash) && epochs.store.blobs.has(hash)) groups.set(hash, group)
  }
  const visit = (routes: Record<string, RouteEntry | null>, records: Record<string, string | null>) => {
    for (const [path, entry] of sorted(routes)) {
      if (!entry) continue
      const group = byName.get(path)
      if (group) assign(recordOf(entry), group)
      else if (isPaged(entry)) listGroups(entry, (epochs.store.record(recordOf(entry)) ?? {}) as ScopeJson, assign)
    }
    for (const [name, hash] of sorted(records)) {
      const group = byName.get(name)
      if (hash && group) assign(hash, group)
    }
  }
  visit(epochs.base.routes, epochs.base.records)
  for (const step of epochs.schedule) visit(step.routes, step.records)
  return groups
}

/**
 * A pack as made: its hash, UTF-8 bytes, where each member starts, and its
 * text (src/shared/packs.ts packText: the members' JSON, one per line), which
 * a pack named beforehand joins only when something reads it (blob-texts.ts).
 */
interface MadePack extends LazyText {
  hash: string
  bytes: number
  /** Its length in UTF-16 units. */
  units: number
  offsets: number[]
}

/**
 * Packs made by the build before, by their members' hashes, for a rebuild in
 * the same process (`npm start`): a one-post edit changes a handful of packs,
 * and joining, hashing and measuring the other few hundred again (~60 MB of
 * text at 1,000 posts) was most of a save's rebuild. Holds the packs of the
 * last build only: `rotate()` at the end of each drops those no longer used.
 *
 * A new process starts with `names`, the hashes of the last build's packs by
 * their members (pack-names.ts): a pack's text is a function of its members,
 * so one the last build made is joined again but not hashed again (~35 MB at
 * 1,000 posts).
 */
export class PackMemo {
  private last = new Map<string, MadePack>()
  private next = new Map<string, MadePack>()
  /** Pack hashes by members, as an earlier process named them. */
  names = new Map<string, string>()
  /** What the cache folder holds of names (pack-names.ts), to write it only when it changed. */
  onDisk?: string

  made(members: string[], make: (name?: string) => MadePack): MadePack {
    const key = members.join(',')
    const pack = this.next.get(key) ?? this.last.get(key) ?? make(this.names.get(key))
    this.next.set(key, pack)
    return pack
  }

  /** This build's packs: hash by members. */
  thisBuild(): Array<[members: string, hash: string]> {
    return [...this.next].map(([key, pack]) => [key, pack.hash])
  }

  rotate(): void {
    this.last = this.next
    this.next = new Map()
    this.names.clear()
  }
}

/**
 * Where each member of a pack starts, from the members' lengths in UTF-16
 * units, as src/shared/packs.ts packText lays them out (after the member
 * before and a line feed), so a pack named beforehand needs no text to point
 * into. Here, not beside packText: src/ is the worker's code, which every
 * page's ETag hashes (assets.ts).
 */
export function packOffsets(lengths: number[]): number[] {
  const offsets: number[] = []
  let at = 0
  for (const n of lengths) {
    offsets.push(at)
    at += n + 1
  }
  return offsets
}

function makePack(store: BlobStore, hashes: string[], name: string | undefined): MadePack {
  const lengths = hashes.map((h) => store.units(h))
  const offsets = packOffsets(lengths)
  // Each member's bytes are counted already; the line feeds between them are one byte each.
  const bytes = hashes.reduce((n, h) => n + store.bytes(h), hashes.length - 1)
  const members = hashes.map((h) => store.textOf(h))
  const lazy = lazyText(() => members.map((m) => m()).join('\n'))
  // Unnamed, it is hashed now, so its text is made now.
  const hash = name ?? sha256(lazy.text()).slice(0, 32)
  return {
    hash,
    bytes,
    units: offsets.at(-1)! + lengths.at(-1)!,
    offsets,
    get made() {
      return lazy.made
    },
    text: lazy.text,
  }
}

/** Writes each group's pack into the store, drops its members, and returns member hash → ref. */
export function packGroups(store: BlobStore, groups: Map<string, string>, memo = new PackMemo()): Map<string, string> {
  const members = new Map<string, string[]>()
  for (const [hash, group] of groups) {
    const list = members.get(group)
    if (list) list.push(hash)
    else members.set(group, [hash])
  }
  const refs = new Map<string, string>()
  for (const hashes of members.values()) {
    if (hashes.length < 2) continue
    hashes.sort()
    // Members are content-addressed, so equal hashes are an equal pack.
    const made = memo.made(hashes, (name) => makePack(store, hashes, name))
    store.adopt(made.hash, made.made ? made.text() : made.text, made.bytes, made.units)
    hashes.forEach((h, i) => {
      refs.set(h, packRef(made.hash, made.offsets[i]!, store.units(h)))
      store.packed(h, made, made.offsets[i]!)
    })
  }
  return refs
}

const ref = (refs: Map<string, string>, hash: string): string => refs.get(hash) ?? hash

function rewriteEntry(entry: RouteEntry, refs: Map<string, string>): RouteEntry {
  const out = [...entry] as RouteEntry
  out[0] = ref(refs, entry[0])
  if (isPaged(entry)) (out as PagedRouteEntry)[3] = chunkHashes(entry).map((h) => ref(refs, h)).join(',')
  return out
}

function rewrite<T extends Materialised | ScheduleStep>(m: T, refs: Map<string, string>): T {
  const routes = Object.fromEntries(Object.entries(m.routes).map(([p, e]) => [p, e && rewriteEntry(e, refs)]))
  const records = Object.fromEntries(Object.entries(m.records).map(([n, h]) => [n, h && ref(refs, h)]))
  return { ...m, routes, records }
}

/** Stage "pack": the epochs with their records packed, in the same store. */
export function pack(epochs: Epochs, posts: Post[], memo?: PackMemo): Epochs {
  const refs = packGroups(epochs.store, assignGroups(epochs, posts), memo)
  return { store: epochs.store, base: rewrite(epochs.base, refs), schedule: epochs.schedule.map((s) => rewrite(s, refs)) }
}
