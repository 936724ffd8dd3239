/**
 * Stage "assemble → manifest": turns assemblies into content-addressed blobs,
 * build-time ETags and the manifest that maps each route to them.
 *
 * A blob's key is the hash of its JSON, so an unchanged record keeps its key
 * across builds and is never uploaded twice. A page's ETag hashes everything
 * that shapes it (its record, the records it lists, the site settings and the
 * template sources), so an unchanged page keeps its ETag across deploys and
 * feed readers keep getting 304s (RFC 9110 §8.8.3: a strong validator changes
 * whenever the representation does).
 */

import * as crypto from 'node:crypto'
import { SCHEMA_VERSION, SITE_RECORD } from '../../src/shared/keys.ts'
import type { Manifest, RouteEntry, ScheduleStep, SiteConfig, SiteRecord } from '../../src/shared/schema.ts'
import type { Assembly } from './assemble.ts'
import type { Epochs } from './epochs.ts'
import type { CspSources } from '../../src/shared/headers.ts'
import { cspByPath, scriptHashesByPath } from './safety.ts'
import type { SearchIndex } from './search-index.ts'
import { BlobTexts, lazyText, type LazyText } from './blob-texts.ts'

/**
 * SHA-256 of a string's UTF-8, in hex. crypto.hash (Node 20.12+) is the
 * one-shot form, ~2–3× faster for the short strings most of the build's
 * ~2,500 calls hash (keys, records, ETags) than a Hash object per call;
 * earlier Node 20 releases make one.
 */
export const sha256: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s, 'hex') : (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex')

/** A blob's key: the hash of its JSON. */
export const blobHash = (json: string): string => sha256(json).slice(0, 32)

export interface Materialised {
  routes: Record<string, RouteEntry>
  records: Record<string, string>
}

/** What names and measures a blob: its key, its JSON's UTF-8 bytes and its length in UTF-16 units (where packs point). */
export interface BlobSum {
  hash: string
  bytes: number
  units: number
}

/** A record as a blob: its sum and its JSON. */
export interface Hashed extends BlobSum {
  json: string
  /** False while the JSON is not made yet (a sum known beforehand, lazyHashed): reading `json` makes it. */
  readonly made: boolean
}

/** A record's blob, stringified and hashed once per object: `memo` keeps it (the session's, see BlobStore). */
export function hashedOf(value: object, memo: WeakMap<object, Hashed>): Hashed {
  let known = memo.get(value)
  if (!known) {
    const json = JSON.stringify(value)
    known = { hash: blobHash(json), json, bytes: Buffer.byteLength(json), units: json.length, made: true }
    memo.set(value, known)
  }
  return known
}

/**
 * A record whose sum is known from an earlier build (record-sums.ts): its JSON
 * is made only if something reads it, and is then what the sum names, the
 * record being the same function of the same inputs.
 */
export function lazyHashed(value: object, sum: BlobSum): Hashed {
  let lazy: LazyText = lazyText(() => JSON.stringify(value))
  return {
    ...sum,
    get json() {
      return lazy.text()
    },
    set json(text: string) {
      lazy = { made: true, text: () => text }
    },
    get made() {
      return lazy.made
    },
  }
}

export class BlobStore {
  readonly blobs = new BlobTexts()
  /** UTF-8 bytes of each blob, counted once per record rather than once per build. */
  private readonly sizes = new Map<string, number>()
  /** Each blob's length in UTF-16 units, so a pack's offsets need no text. */
  private readonly lengths = new Map<string, number>()
  /** What put() hashed, by hash: a packed record's JSON is pointed into its pack (packed()). */
  private readonly known = new Map<string, Hashed>()
  /** The record put() took, by hash: what a later stage reads a field of (packs.ts), with no JSON to parse or make. */
  private readonly values = new Map<string, object>()

  /**
   * `hashed` remembers records already hashed, by object (the session's): a
   * post's records are made once per post (assemble.ts keeps them with the
   * post), so a rebuild in the same process (`npm start`) does not stringify
   * and hash 10,000 bodies again.
   */
  constructor(private readonly hashed: WeakMap<object, Hashed> = new WeakMap()) {}

  put(value: object): string {
    const known = hashedOf(value, this.hashed)
    if (known.made) this.blobs.set(known.hash, known.json)
    else this.blobs.lazy(known.hash, () => known.json)
    this.sizes.set(known.hash, known.bytes)
    this.lengths.set(known.hash, known.units)
    this.known.set(known.hash, known)
    this.values.set(known.hash, value)
    return known.hash
  }

  /** put() of a record whose sum an earlier build kept: its JSON is made only if something reads it (lazyHashed). */
  putNamed(value: object, sum: BlobSum): string {
    if (!this.hashed.has(value)) this.hashed.set(value, lazyHashed(value, sum))
    return this.put(value)
  }

  /** The record under `hash` as put() took it; for a blob adopted as text, that text parsed. */
  record(hash: string): unknown {
    const value = this.values.get(hash)
    if (value) return value
    const json = this.blobs.get(hash)
    return json === undefined ? undefined : JSON.parse(json)
  }

  /** Takes in a blob an earlier build made, as it is, or as `json` makes it when first read. */
  adopt(hash: string, json: string | (() => string), bytes?: number, units?: number): void {
    if (typeof json === 'string') this.blobs.set(hash, json)
    else this.blobs.lazy(hash, json)
    const text = () => this.blobs.get(hash)!
    this.sizes.set(hash, bytes ?? Buffer.byteLength(text()))
    this.lengths.set(hash, units ?? text().length)
  }

  /** Forgets a blob: a record now stored inside a pack (packs.ts). */
  drop(hash: string): void {
    this.values.delete(hash)
    this.blobs.delete(hash)
    this.sizes.delete(hash)
    this.lengths.delete(hash)
    this.known.delete(hash)
  }

  /** The text of a blob in the store, made when first read (BlobTexts): what a pack's text is joined from. */
  textOf(hash: string): () => string {
    const known = this.known.get(hash)
    if (known) return () => known.json
    const text = this.blobs.get(hash)!
    return () => text
  }

  /**
   * Forgets a record now stored in `pack` at `offset`, and makes the JSON the
   * session remembers for it a slice of the pack's text: V8 keeps a slice as a
   * view of its parent, so the text is held once rather than twice (at 10,000
   * posts that is some hundreds of MB of the peak). A record or pack whose
   * text is not made yet is left so: slicing it would make both.
   */
  packed(hash: string, pack: { made: boolean; text: () => string }, offset: number): void {
    const known = this.known.get(hash)
    if (known?.made && pack.made) known.json = pack.text().slice(offset, offset + known.units)
    this.drop(hash)
  }

  bytes(hash: string): number {
    return this.sizes.get(hash) ?? 0
  }

  /** A blob's length in UTF-16 units. */
  units(hash: string): number {
    return this.lengths.get(hash) ?? 0
  }

  /** Bytes of every blob in the store. */
  totalBytes(): number {
    let n = 0
    for (const size of this.sizes.values()) n += size
    return n
  }
}

/** A route's ETag from the hashes of what shapes it (also recomputed alone by quick.ts). */
export const routeEtag = (template: string, siteHash: string, own: string, deps: string[]): string => sha256([template, siteHash, own, ...deps].join('\n')).slice(0, 24)

/** Hashes an assembly's records into the store and computes each route's ETag. */
export function materialise(assembly: Assembly, store: BlobStore, siteHash: string, template: string): Materialised {
  const records: Record<string, string> = { [SITE_RECORD]: siteHash }
  for (const [name, record] of assembly.records) records[name] = store.put(record)
  const hashes = new Map<string, string>()
  for (const [path, route] of assembly.routes) hashes.set(path, store.put(route.record))
  const routes: Record<string, RouteEntry> = {}
  for (const [path, route] of assembly.routes) {
    const record = hashes.get(path)!
    const deps = route.deps.map((d) => records[d] ?? hashes.get(d) ?? '')
    if (!route.paged) {
      routes[path] = [record, routeEtag(template, siteHash, record, deps), route.lastModified]
      continue
    }
    // A listing or feed page is its scope, its chunks, the list's length and its number: all of it shapes the page.
    const { chunks, total, page, range } = route.paged
    const chunkList = chunks.map((c) => store.put(c)).join(',')
    const span = range ? [range.from, range.to, range.pages] : []
    const etag = routeEtag(template, siteHash, sha256([record, chunkList, total, page, ...span].join('\n')), deps)
    routes[path] = range
      ? [record, etag, route.lastModified, chunkList, total, page, range.from, range.to, range.pages]
      : [record, etag, route.lastModified, chunkList, total, page]
  }
  return { routes, records }
}

/** What changed from one epoch to the next, as a schedule step. A listing or feed page's entry changes with its chunks, length or number. */
export function diff(at: number, before: Materialised, after: Materialised): ScheduleStep {
  const step: ScheduleStep = { at, routes: {}, records: {} }
  for (const [path, entry] of Object.entries(after.routes)) {
    if (before.routes[path]?.join() !== entry.join()) step.routes[path] = entry
  }
  for (const path of Object.keys(before.routes)) if (!(path in after.routes)) step.routes[path] = null
  for (const [name, hash] of Object.entries(after.records)) if (before.records[name] !== hash) step.records[name] = hash
  for (const name of Object.keys(before.records)) if (!(name in after.records)) step.records[name] = null
  return step
}

export function buildManifest(
  base: Materialised,
  schedule: ScheduleStep[],
  redirects: Record<string, string>,
  template: string,
  builtAt: Date,
): Manifest {
  // Records in one order whatever assembled them (a search base read back from KV comes sorted),
  // so equal content always gives an equal id.
  const records = Object.fromEntries(Object.entries(base.records).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)))
  const body = { template, routes: base.routes, records, redirects, schedule }
  // The id depends on content only: rebuilding unchanged content gives the same id.
  const buildId = sha256(JSON.stringify(body)).slice(0, 16)
  return { v: SCHEMA_VERSION, buildId, builtAt: builtAt.toISOString(), ...body }
}

/**
 * Stage "manifest": the base epoch with the search index's records, the
 * schedule and the redirects, under an id that hashes them; then the script
 * hashes and CSP additions (embeds.ts) of each page.
 */
export function manifest(input: { epochs: Epochs; index: SearchIndex; redirects: Record<string, string>; template: string; now: Date; items: Array<{ path: string; scriptHashes: string[]; csp: CspSources }> }): Manifest {
  const { base, schedule } = input.epochs
  const out = buildManifest({ routes: base.routes, records: { ...base.records, ...input.index.records } }, schedule, input.redirects, input.template, input.now)
  // Outside the build id's hash on purpose: it is derived from records the routes already hash.
  const scripts = scriptHashesByPath(input.items)
  if (Object.keys(scripts).length > 0) out.scriptHashes = scripts
  const csp = cspByPath(input.items)
  if (Object.keys(csp).length > 0) out.csp = csp
  return out
}

export function siteRecord(site: Omit<SiteRecord, 'kind' | 'v'>): SiteRecord {
  return { kind: 'site', v: SCHEMA_VERSION, ...site }
}

/** The settings only the build uses, which the site record does not carry (site-config.ts reads them). */
export function siteRecordFields(site: SiteConfig): Omit<SiteConfig, 'permalink' | 'typography' | 'taxonomyPaginate' | 'redirects' | 'kvWritesPerDay'> {
  const { permalink: _p, typography: _t, taxonomyPaginate: _tp, redirects: _r, kvWritesPerDay: _k, ...record } = site
  return record
}
