/**
 * How a manifest is stored in KV, and how the worker reads it without parsing
 * it whole.
 *
 * A 10,000-post blog's manifest maps ~20,000 routes and ~30,000 records; as a
 * JSON object it is 4 MB and `JSON.parse` takes ~33 ms, which a cold isolate
 * would pay before its first answer (the Workers Free plan allows 10 ms of CPU
 * per request). So the stored form is lines, sorted, that the worker keeps as
 * the bytes KV returned and searches by bisection: a cold request costs a copy
 * of the bytes and a few dozen byte comparisons per lookup, however large the
 * blog (the `look(1)` approach to a sorted file).
 *
 *   kumo-manifest<TAB>1<LF>
 *   {"v":1,"buildId":…,"builtAt":…,"template":…,"schedule":[…]}<LF>
 *   <key><TAB><fields…><LF>            one per entry, sorted by the UTF-8 bytes of <key>
 *
 * Keys and fields:
 *   /path          route: blob hash, ETag, Last-Modified (epoch seconds); a
 *                  listing or feed page adds its chunks (hashes joined by `,`),
 *                  the list's length and its page number, and a feed page cut
 *                  by size its range and page count (PagedRouteEntry)
 *   >/old/path     redirect_from: the canonical path
 *   #/path         CSP hash sources of the page's inline scripts
 *   %/path         what its embeds add to its CSP: `script https://a …`, `frame …`, `style …`, `style-attr`
 *   @/path         a post's source hash and when it was last seen edited (build-side)
 *   name           record (`site`, `meta:/path/`, `search:docs`, …): blob hash
 * No key or field holds a tab, a line break or any other C0 control character;
 * the encoder refuses one. Schedule steps stay in the header: they are few, and
 * every request needs them. A build may also be stored as a patch of another
 * (encodePatch): `npm start`'s saved post, a line or two over the build before.
 */

import { SCHEMA_VERSION } from './keys.ts'
import type { CspSources } from './headers.ts'
import type { Manifest, RouteEntry, ScheduleStep } from './schema.ts'

const MAGIC = 'kumo-manifest\t1\n'
const TAB = 9
const LF = 10

type Header = Pick<Manifest, 'v' | 'buildId' | 'builtAt' | 'template' | 'schedule'>

/** What the worker needs of a manifest, with the base tables behind lookups. */
export interface ManifestIndex extends Header {
  /** The fields of the entry stored under `key` (as encodeManifest writes keys), if any. */
  lookup(key: string): string[] | undefined
  route(path: string): RouteEntry | undefined
  record(name: string): string | undefined
  redirect(path: string): string | undefined
  scriptHashes(path: string): string[] | undefined
  csp(path: string): CspSources | undefined
}

const CSP_DIRECTIVES = ['script', 'frame', 'style', 'connect', 'img'] as const

/** A page's CSP additions as manifest fields, one per directive. */
function cspFields(s: CspSources): string[] {
  const fields = CSP_DIRECTIVES.filter((d) => s[d]?.length).map((d) => [d, ...s[d]!].join(' '))
  return s.styleAttributes ? [...fields, 'style-attr'] : fields
}

function cspFromFields(fields: string[]): CspSources {
  const out: { -readonly [K in keyof CspSources]: CspSources[K] } = {}
  for (const f of fields) {
    if (f === 'style-attr') out.styleAttributes = true
    const [d, ...origins] = f.split(' ')
    if ((CSP_DIRECTIVES as readonly string[]).includes(d!)) out[d as (typeof CSP_DIRECTIVES)[number]] = origins
  }
  return out
}

/** UTF-8 byte order, computed on UTF-16 strings: code point order. */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // A surrogate stands for a code point above U+FFFF: after every other BMP unit.
    const xs = x >= 0xd800 && x <= 0xdfff
    const ys = y >= 0xd800 && y <= 0xdfff
    if (xs !== ys) return xs ? (y >= 0xe000 ? 1 : x - y) : x >= 0xe000 ? -1 : x - y
    return x - y
  }
  return a.length - b.length
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

function checked(part: string | number, what: string): string {
  const s = String(part)
  if (CONTROL.test(s)) throw new Error(`manifest ${what} ${JSON.stringify(s.slice(0, 80))} holds a control character; URLs and record names may not`)
  return s
}

/** One stored entry, `<key><TAB><fields…>`, each part checked. */
const entryLine = (key: string, fields: Array<string | number>): string => [checked(key, 'key'), ...fields.map((f) => checked(f, `field of ${key}`))].join('\t')

/** The stored form of a manifest. */
export function encodeManifest(m: Manifest): string {
  const entries: Array<[string, string]> = []
  const add = (key: string, fields: Array<string | number>) => entries.push([key, entryLine(key, fields)])
  for (const [path, entry] of Object.entries(m.routes)) add(path, entry)
  for (const [name, hash] of Object.entries(m.records)) add(name, [hash])
  for (const [from, to] of Object.entries(m.redirects)) add(`>${from}`, [to])
  for (const [path, hashes] of Object.entries(m.scriptHashes ?? {})) add(`#${path}`, hashes)
  for (const [path, sources] of Object.entries(m.csp ?? {})) add(`%${path}`, cspFields(sources))
  for (const [path, edit] of Object.entries(m.edits ?? {})) add(`@${path}`, edit)
  // UTF-16 order is code point order unless a key holds a surrogate or a unit at U+E000 and
  // above: then the slower comparison (CJK ideographs sit below U+D800, so most blogs skip it).
  const simple = !entries.some(([key]) => /[\uD800-\uFFFF]/.test(key))
  entries.sort(simple ? (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) : (a, b) => byCodePoint(a[0], b[0]))
  const header: Header = { v: m.v, buildId: m.buildId, builtAt: m.builtAt, template: m.template, schedule: m.schedule }
  return `${MAGIC}${JSON.stringify(header)}\n${entries.map((e) => `${e[1]}\n`).join('')}`
}

const PATCH_MAGIC = 'kumo-manifest-patch\t1\n'

/** A patch's header: its build's, and the build it patches. */
type PatchHeader = Header & { base: string }

/**
 * The stored form of `m`, a manifest that differs from the stored build
 * `base` only in its header and in the entries named in `entries` (keys as
 * encodeManifest writes them: `/path`, `@/path`), as those lines alone:
 *
 *   kumo-manifest-patch<TAB>1<LF>
 *   {"v":1,"buildId":…,"builtAt":…,"template":…,"schedule":[…],"base":"<build id>"}<LF>
 *   <key><TAB><fields…><LF>            one per entry that differs from base's
 *
 * `npm start` shows a saved post this way (scripts/pipeline/quick.ts): one
 * line of a manifest that is ~650 KB at 1,000 posts changes, and putting the
 * whole of it again into local KV was a third of a save's way to the page.
 * The worker reads the base (which it has, as the build it served last) and
 * looks each key up in the patch first (patchedIndex).
 */
export function encodePatch(m: Manifest, base: string, entries: Array<[key: string, fields: Array<string | number>]>): string {
  const header: PatchHeader = { v: m.v, buildId: m.buildId, builtAt: m.builtAt, template: m.template, schedule: m.schedule, base }
  const lines = entries.map(([key, fields]) => `${entryLine(key, fields)}\n`)
  return `${PATCH_MAGIC}${JSON.stringify(header)}\n${lines.join('')}`
}

/** A stored patch's header and lines by key; undefined when `bytes` are not a patch (decodeManifest reads them). Throws when a patch is damaged. */
export function decodePatch(bytes: Uint8Array): { header: PatchHeader; lines: Map<string, string[]> } | undefined {
  if (!startsWith(bytes, PATCH_MAGIC)) return undefined
  const text = decoder.decode(bytes)
  const headerEnd = text.indexOf('\n', PATCH_MAGIC.length)
  if (headerEnd < 0) throw new Error('manifest patch header is not terminated')
  const header = JSON.parse(text.slice(PATCH_MAGIC.length, headerEnd)) as PatchHeader
  if (header?.v !== SCHEMA_VERSION) throw new Error(`manifest patch has schema version ${String(header?.v)}, expected ${SCHEMA_VERSION}`)
  if (typeof header.base !== 'string' || !header.base) throw new Error('manifest patch names no base build')
  const lines = new Map<string, string[]>()
  for (const line of text.slice(headerEnd + 1).split('\n')) {
    if (!line) continue
    const [key, ...fields] = line.split('\t') as [string, ...string[]]
    lines.set(key, fields)
  }
  return { header, lines }
}

/** The build a stored patch is read over; undefined for a whole manifest (or anything else). */
export function patchBaseOf(text: string): string | undefined {
  // A whole manifest (~650 KB at 1,000 posts) is told by its first bytes, not encoded to be decoded.
  if (!text.startsWith(PATCH_MAGIC)) return undefined
  try {
    return decodePatch(encoder.encode(text))?.header.base
  } catch {
    return undefined
  }
}

/** The manifest a patch makes of `base`: its header, and each key looked up in the patch first, then in base. */
export function patchedIndex(base: ManifestIndex, patch: { header: PatchHeader; lines: Map<string, string[]> }): ManifestIndex {
  const { base: _base, ...header } = patch.header
  return indexOf(header, (key) => patch.lines.get(key) ?? base.lookup(key))
}

/** A route line's fields as its entry: three for a page with a record, six for a listing or feed page. */
function routeEntry(f: string[]): RouteEntry | undefined {
  if (f.length === 3) return [f[0]!, f[1]!, Number(f[2])]
  if (f.length === 6) return [f[0]!, f[1]!, Number(f[2]), f[3]!, Number(f[4]), Number(f[5])]
  if (f.length === 9) return [f[0]!, f[1]!, Number(f[2]), f[3]!, Number(f[4]), Number(f[5]), Number(f[6]), Number(f[7]), Number(f[8])]
  return undefined
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function startsWith(bytes: Uint8Array, magic: string): boolean {
  if (bytes.length < magic.length) return false
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false
  return true
}

/** Compares the key of the line at `start` with `key`: below 0 when the line's sorts first. */
function compareKey(bytes: Uint8Array, start: number, key: Uint8Array): number {
  for (let i = 0; ; i++) {
    const b = bytes[start + i]!
    const lineEnded = b === TAB || b === LF
    if (i === key.length) return lineEnded ? 0 : 1
    if (lineEnded) return -1
    if (b !== key[i]) return b - key[i]!
  }
}

/**
 * Reads a stored manifest: parses the header, keeps the lines as bytes. Throws
 * when the bytes are not a Kumo manifest of this schema version.
 */
export function decodeManifest(bytes: Uint8Array): ManifestIndex {
  if (!startsWith(bytes, MAGIC)) throw new Error('not a Kumo manifest (no kumo-manifest header)')
  const headerEnd = bytes.indexOf(LF, MAGIC.length)
  if (headerEnd < 0) throw new Error('manifest header is not terminated')
  const header = JSON.parse(decoder.decode(bytes.subarray(MAGIC.length, headerEnd))) as Header
  if (header?.v !== SCHEMA_VERSION) throw new Error(`manifest has schema version ${String(header?.v)}, expected ${SCHEMA_VERSION}`)
  const body = headerEnd + 1

  /** The fields of the line whose key is `key`, by bisection over line starts. */
  const fields = (key: string): string[] | undefined => {
    const k = encoder.encode(key)
    let lo = body
    let hi = bytes.length
    while (lo < hi) {
      let start = (lo + hi) >>> 1
      while (start > lo && bytes[start - 1] !== LF) start--
      const end = bytes.indexOf(LF, start)
      const c = compareKey(bytes, start, k)
      if (c === 0) return decoder.decode(bytes.subarray(start + k.length + 1, end)).split('\t')
      if (c < 0) lo = end + 1
      else hi = start
    }
    return undefined
  }
  return indexOf(header, fields)
}

/** A manifest's lookups, from the fields stored under each key. */
function indexOf(header: Header, fields: (key: string) => string[] | undefined): ManifestIndex {
  return {
    ...header,
    lookup: fields,
    route(path) {
      const f = fields(path)
      return f && routeEntry(f)
    },
    record: (name) => fields(name)?.[0],
    redirect: (path) => fields(`>${path}`)?.[0],
    scriptHashes: (path) => fields(`#${path}`),
    csp: (path) => {
      const f = fields(`%${path}`)
      return f && cspFromFields(f)
    },
  }
}

/** Every entry of a stored manifest, back as the build's Manifest (deploy, gc and tests). */
export function manifestFromBytes(bytes: Uint8Array): Manifest {
  const index = decodeManifest(bytes)
  const text = decoder.decode(bytes)
  const m: Manifest = { v: index.v, buildId: index.buildId, builtAt: index.builtAt, template: index.template, routes: {}, records: {}, redirects: {}, schedule: index.schedule }
  const lines = text.slice(text.indexOf('\n', MAGIC.length) + 1).split('\n')
  for (const line of lines) {
    if (!line) continue
    const [key, ...f] = line.split('\t') as [string, ...string[]]
    setEntry(m, key, f)
  }
  return m
}

/** One stored entry into `m`, by its key's kind. */
function setEntry(m: Manifest, key: string, f: string[]): void {
  if (key.startsWith('/')) {
    const entry = routeEntry(f)
    if (!entry) throw new Error(`manifest route ${key} has ${f.length} fields; expected 3, 6 or 9`)
    m.routes[key] = entry
  } else if (key.startsWith('>')) m.redirects[key.slice(1)] = f[0]!
  else if (key.startsWith('#')) (m.scriptHashes ??= {})[key.slice(1)] = f
  else if (key.startsWith('%')) (m.csp ??= {})[key.slice(1)] = cspFromFields(f)
  else if (key.startsWith('@')) (m.edits ??= {})[key.slice(1)] = [f[0]!, Number(f[1])]
  else m.records[key] = f[0]!
}

/**
 * A stored build back as the build's Manifest, a patch (encodePatch) read over
 * its base, which `readBase` gives as stored, two deep at most: `npm start`
 * leaves its saved posts' patches in local KV, where deploy, gc and rollback
 * (`--local`) meet them.
 */
export async function manifestFromStored(text: string, readBase: (id: string) => Promise<string | null>, depth = 0): Promise<Manifest> {
  const bytes = encoder.encode(text)
  const patch = decodePatch(bytes)
  if (!patch) return manifestFromBytes(bytes)
  const { base: baseId, ...header } = patch.header
  if (depth >= MAX_PATCH_DEPTH) throw new Error(`manifest ${header.buildId} is a patch of a patch ${depth} deep`)
  const stored = await readBase(baseId)
  if (stored === null) throw new Error(`manifest ${header.buildId} patches build ${baseId}, which is not in KV`)
  // The base is decoded here for this patch alone, so its lines are set over it in place.
  const m: Manifest = Object.assign(await manifestFromStored(stored, readBase, depth + 1), header)
  for (const [key, fields] of patch.lines) setEntry(m, key, fields)
  return m
}

/** Patches on patches read before a build counts as unreadable: `npm start` patches only whole builds. */
export const MAX_PATCH_DEPTH = 2

/** The same, from the text `wrangler kv key get --text` prints. */
export const manifestFromText = (text: string): Manifest => manifestFromBytes(encoder.encode(text))

/** A build's manifest as the worker sees it after a round trip through KV (tests, benchmarks). */
export const indexManifest = (m: Manifest): ManifestIndex => decodeManifest(encoder.encode(encodeManifest(m)))
