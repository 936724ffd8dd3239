/**
 * Data access: reads manifests and records from a KVNamespace. Takes the
 * namespace, never the request context, so tests can hand it a real binding or
 * a failing wrapper.
 *
 * Records every request needs (the manifest and the site settings) are parsed
 * once per isolate and kept per build id, so a warm cache-miss request costs one
 * KV read for a page, two for a listing (its scope and chunks in one bulk read,
 * then its items in another).
 */

import { HttpError } from '../errors.ts'
import { CURRENT_KEY, SCHEMA_VERSION, SITE_RECORD, blobKey, buildKey, linksRecord } from '../shared/keys.ts'
import { MAX_PATCH_DEPTH, decodeManifest, decodePatch, patchedIndex, type ManifestIndex } from '../shared/manifest-codec.ts'
import type { AnyRecord, PostBodyRecord, PostLinksRecord, RouteEntry, RouteRecord, RouteView, SiteRecord } from '../shared/schema.ts'
import { entryBlobs } from '../shared/paging.ts'
import { memberText, refBlob } from '../shared/packs.ts'
import { isPaged, recordOf } from '../shared/route-entry.ts'
import { pageFrom } from './pages.ts'
import { recordAt } from './resolve.ts'

export { nextChangeAt, recordAt, routeAt } from './resolve.ts'

interface Loaded {
  manifest: ManifestIndex
  site: SiteRecord
}

/** Per-isolate cache, keyed by build id. Two entries cover a deploy's switch-over. */
const loaded = new Map<string, Loaded>()
const MAX_BUILDS = 2

/**
 * The `v1:current` pointer (local worker only), re-read at most once a second, or
 * every `POINTER_TTL_MS` (wrangler.toml [vars]): `npm start` sets 0, so a save is
 * served on the first request after its build is seeded.
 */
let pointer: { value: string | null; at: number } | undefined
const POINTER_TTL_MS = 1000

/**
 * How long a KV read may take before it counts as failed. A healthy read takes
 * milliseconds (tens when cold); waiting longer only holds the visitor while a
 * cached copy or a 503 could answer.
 */
let kvTimeoutMs = 5000

/** Sets the KV read timeout; tests shorten it to inject a hanging namespace. */
export function setKvTimeout(ms: number): void {
  kvTimeoutMs = ms
}

/** Rejects when `work` takes longer than the KV timeout. */
function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${kvTimeoutMs} ms`)), kvTimeoutMs)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** Drops the isolate's caches; tests use it between seeded namespaces. */
export function resetCaches(): void {
  loaded.clear()
  pointer = undefined
}

async function kvGet(kv: KVNamespace, key: string): Promise<string | null> {
  try {
    return await withTimeout(kv.get(key), `KV read of ${key}`)
  } catch (error) {
    throw new HttpError('unavailable', `KV read of ${key} failed`, { cause: error })
  }
}

async function kvGetBytes(kv: KVNamespace, key: string): Promise<Uint8Array | null> {
  try {
    const buffer = await withTimeout(kv.get(key, 'arrayBuffer'), `KV read of ${key}`)
    return buffer === null ? null : new Uint8Array(buffer)
  } catch (error) {
    throw new HttpError('unavailable', `KV read of ${key} failed`, { cause: error })
  }
}

function parse<T extends { v?: number }>(json: string, what: string): T {
  let value: T
  try {
    value = JSON.parse(json) as T
  } catch (error) {
    throw new HttpError('unavailable', `${what} is not valid JSON`, { cause: error })
  }
  if (typeof value !== 'object' || value === null || value.v !== SCHEMA_VERSION) {
    throw new HttpError('unavailable', `${what} has schema version ${String(value?.v)}, expected ${SCHEMA_VERSION}`)
  }
  return value
}

/** The build to serve: the deploy's BUILD_ID, else the local `current` pointer. */
export async function currentBuildId(kv: KVNamespace, configured: string | undefined, now = Date.now(), ttl?: string): Promise<string> {
  if (configured) return configured
  const ttlMs = ttl ? Number(ttl) : POINTER_TTL_MS
  if (!pointer || !(now - pointer.at < ttlMs)) pointer = { value: await kvGet(kv, CURRENT_KEY), at: now }
  if (!pointer.value) throw new HttpError('unpublished', 'no build has been published to this namespace')
  return pointer.value
}

/** The manifest and site settings of a build, parsed once per isolate. */
export async function loadBuild(kv: KVNamespace, buildId: string, depth = 0): Promise<Loaded> {
  const cached = loaded.get(buildId)
  if (cached) return cached
  const bytes = await kvGetBytes(kv, buildKey(buildId))
  if (bytes === null) throw new HttpError('unpublished', `build ${buildId} is not in KV`)
  let stored: ManifestIndex | NonNullable<ReturnType<typeof decodePatch>>
  try {
    // Kept as bytes and searched per lookup (manifest-codec.ts): a cold isolate parses no table.
    stored = decodePatch(bytes) ?? decodeManifest(bytes)
  } catch (error) {
    throw new HttpError('unavailable', `manifest ${buildId} is unreadable: ${(error as Error).message}`, { cause: error })
  }
  // A patch (npm start's saved post, manifest-codec.ts encodePatch): its lines over the build it names, which this isolate mostly has.
  if ('lines' in stored && depth >= MAX_PATCH_DEPTH) throw new HttpError('unavailable', `manifest ${buildId} is a patch of a patch ${depth} deep`)
  const manifest = 'lines' in stored ? patchedIndex((await loadBuild(kv, stored.header.base, depth + 1)).manifest, stored) : stored
  const siteHash = recordAt(manifest, SITE_RECORD, 0)
  if (!siteHash) throw new HttpError('unavailable', `manifest ${buildId} has no site record`)
  const site = await readRecord<SiteRecord>(kv, siteHash)
  const entry = { manifest, site }
  if (loaded.size >= MAX_BUILDS) loaded.delete(loaded.keys().next().value!)
  loaded.set(buildId, entry)
  return entry
}

/** The record a ref names in its blob's text (src/shared/packs.ts). A ref that does not fit its blob is a 503 for this page only. */
function member<T extends { v?: number }>(blob: string, ref: string): T {
  let json: string
  try {
    json = memberText(blob, ref)
  } catch (error) {
    throw new HttpError('unavailable', `record ${ref}: ${(error as Error).message}`, { cause: error })
  }
  return parse<T>(json, `record ${ref}`)
}

/** One record by ref (a blob hash, or a member of a pack). A missing or corrupt blob is a 503 for this page only. */
export async function readRecord<T extends AnyRecord>(kv: KVNamespace, ref: string): Promise<T> {
  const blob = await kvGet(kv, blobKey(refBlob(ref)))
  if (blob === null) throw new HttpError('unavailable', `record ${ref} is missing from KV`)
  return member<T>(blob, ref)
}

/**
 * Many records in one bulk KV read per 100 keys, in the order asked. Records
 * in one pack share a key, read once: a post's body and links are one key.
 */
export async function readRecords<T extends AnyRecord>(kv: KVNamespace, refs: string[]): Promise<T[]> {
  const keys = [...new Set(refs.map((r) => blobKey(refBlob(r))))]
  const blobs = new Map<string, string | null>()
  for (let i = 0; i < keys.length; i += 100) {
    const batch = keys.slice(i, i + 100)
    let values: Map<string, string | null>
    try {
      values = await withTimeout(kv.get(batch), `KV bulk read of ${batch.length} records`)
    } catch (error) {
      throw new HttpError('unavailable', `KV bulk read of ${batch.length} records failed`, { cause: error })
    }
    for (const key of batch) blobs.set(key, values.get(key) ?? null)
  }
  return refs.map((ref) => {
    const key = blobKey(refBlob(ref))
    const blob = blobs.get(key)
    if (blob == null) throw new HttpError('unavailable', `record ${key} is missing from KV`)
    return member<T>(blob, ref)
  })
}

/**
 * A route's record, ready to render. A post's links live in their own record
 * (see PostLinksRecord); both come back in the same single bulk read. A listing
 * or feed page is rebuilt from its scope and chunks, read together.
 */
export async function readRouteRecord(kv: KVNamespace, manifest: ManifestIndex, path: string, entry: RouteEntry, now: number): Promise<RouteView> {
  if (isPaged(entry)) return pageFrom(path, entry, await readRecords(kv, entryBlobs(entry)))
  const hash = recordOf(entry)
  const links = recordAt(manifest, linksRecord(path), now)
  if (!links) {
    const record = await readRecord<Exclude<RouteRecord, PostBodyRecord>>(kv, hash)
    // A scope record only makes a page with the chunks a paged entry names.
    if (record.kind === 'listing-scope' || record.kind === 'feed-scope' || record.kind === 'llms-full-scope') throw new HttpError('unavailable', `route ${path} names a ${record.kind} record without its chunks`)
    return record
  }
  const [body, link] = (await readRecords(kv, [hash, links])) as [PostBodyRecord, PostLinksRecord]
  if (body.kind !== 'post' || link.kind !== 'links') throw new HttpError('unavailable', `records of ${path} are not a post and its links`)
  return { ...body, prev: link.prev, next: link.next, related: link.related }
}
