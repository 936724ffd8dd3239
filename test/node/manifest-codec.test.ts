// The stored form of a manifest: what the worker finds by bisection must be
// exactly what the build put in, for any keys, and nothing else.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { build } from '../../scripts/pipeline/index.ts'
import { byCodePoint, decodeManifest, decodePatch, encodeManifest, encodePatch, indexManifest, manifestFromStored, manifestFromText, patchedIndex } from '../../src/shared/manifest-codec.ts'
import { SCHEMA_VERSION } from '../../src/shared/keys.ts'
import type { Manifest, RouteEntry } from '../../src/shared/schema.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'

// Path characters that stress the order: ASCII, CJK, an astral ideograph, a
// private-use character (U+E000 sorts before astral in UTF-8, after it in UTF-16).
const char = fc.constantFrom(...'abz-_/.~%AZ09', '国', '運', '𠮷', '\uE000', '\uFFFD', 'é', ' ')
const path = fc.array(char, { maxLength: 12 }).map((cs) => `/${cs.join('')}`)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const hash = fc.stringMatching(/^[0-9a-f]{32}$/)

const manifestOf = (routes: string[], records: string[], h: string): Manifest => ({
  v: SCHEMA_VERSION,
  buildId: 'b',
  builtAt: '2025-01-01T00:00:00.000Z',
  template: 't',
  // Every third route a listing or feed page: its chunks (none, one or two), the list's length, its number.
  routes: Object.fromEntries(routes.map((p, i): [string, RouteEntry] => [p, i % 3 === 1 ? [h, `e${i}`, i, [h, h.slice(1) + '0'].slice(0, i % 5 % 3).join(','), i * 7, (i % 4) + 1] : [h, `e${i}`, i]])),
  records: Object.fromEntries(records.map((p, i) => [`meta:${p}`, `${h.slice(0, 30)}${i % 10}${i % 7}`])),
  redirects: Object.fromEntries(routes.slice(0, 3).map((p) => [`${p}-old`, p])),
  schedule: [],
  scriptHashes: routes.length ? { [routes[0]!]: ["'sha256-abc='", "'sha256-def='"] } : undefined,
})

describe('manifest codec', () => {
  it('orders keys as UTF-8 bytes do', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))
        // Lone surrogates have no UTF-8 form; compare only well-formed strings.
        fc.pre(!LONE_SURROGATE.test(a) && !LONE_SURROGATE.test(b))
        expect(Math.sign(byCodePoint(a, b))).toBe(bytes)
      }),
      { numRuns: 2000 },
    )
  })

  it('finds every route, record, redirect and script list, and nothing that is not there', () => {
    fc.assert(
      fc.property(fc.uniqueArray(path, { maxLength: 60 }), fc.uniqueArray(path, { maxLength: 30 }), hash, fc.array(path, { maxLength: 20 }), (routes, records, h, probes) => {
        const m = manifestOf(routes, records, h)
        const index = indexManifest(m)
        for (const [p, entry] of Object.entries(m.routes)) expect(index.route(p)).toEqual(entry)
        for (const [n, v] of Object.entries(m.records)) expect(index.record(n)).toBe(v)
        for (const [from, to] of Object.entries(m.redirects)) expect(index.redirect(from)).toBe(to)
        for (const [p, list] of Object.entries(m.scriptHashes ?? {})) expect(index.scriptHashes(p)).toEqual(list)
        for (const p of probes) {
          expect(index.route(p)).toEqual(m.routes[p])
          expect(index.record(`meta:${p}`)).toBe(m.records[`meta:${p}`])
          // A prefix of a key, or a key with more after it, is not that key.
          expect(index.route(`${p}x`)).toEqual(m.routes[`${p}x`])
        }
        expect(manifestFromText(encodeManifest(m))).toEqual({ ...m, scriptHashes: m.scriptHashes && Object.keys(m.scriptHashes).length ? m.scriptHashes : undefined })
      }),
      { numRuns: 300 },
    )
  })

  it('round-trips the fixture build, schedule included', async () => {
    const { manifest } = await build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW })
    const back = manifestFromText(encodeManifest(manifest))
    expect(back).toEqual(JSON.parse(JSON.stringify(manifest)))
    // Listing and feed pages (six fields) and pages with a record (three) both come back whole.
    const index = indexManifest(manifest)
    expect(index.route('/page/2/')).toHaveLength(6)
    expect(index.route('/page/2/')).toEqual(manifest.routes['/page/2/'])
    expect(index.route('/about/')).toHaveLength(3)
    expect(() => manifestFromText(encodeManifest(manifest).replace(/^(\/about\/\t[^\n]*)$/m, '$1\tx'))).toThrow(/has 4 fields/)
    expect(indexManifest(manifest).schedule).toEqual(manifest.schedule)
  })

  it('reads a patch over its base as the whole manifest it stands for, for any keys', () => {
    const bytes = (text: string) => new TextEncoder().encode(text)
    fc.assert(
      fc.property(fc.uniqueArray(path, { minLength: 1, maxLength: 20 }), hash, hash, fc.nat(), (routes, h, h2, pick) => {
        const base = manifestOf(routes, routes, h)
        const changed = routes[pick % routes.length]!
        const entry: RouteEntry = [h2, 'patched-etag', 99]
        const whole: Manifest = { ...base, buildId: 'p', builtAt: '2025-01-02T00:00:00.000Z', routes: { ...base.routes, [changed]: entry } }
        const patch = decodePatch(bytes(encodePatch(whole, base.buildId, [[changed, entry]])))!
        expect(patch.header.base).toBe(base.buildId)
        const index = patchedIndex(indexManifest(base), patch)
        const expected = indexManifest(whole)
        expect([index.buildId, index.builtAt, index.template, index.schedule]).toEqual([expected.buildId, expected.builtAt, expected.template, expected.schedule])
        for (const p of [...routes, `${changed}x`]) {
          expect(index.route(p)).toEqual(expected.route(p))
          expect(index.record(`meta:${p}`)).toBe(expected.record(`meta:${p}`))
          expect(index.redirect(`${p}-old`)).toBe(expected.redirect(`${p}-old`))
          expect(index.scriptHashes(p)).toEqual(expected.scriptHashes(p))
        }
      }),
      { numRuns: 200 },
    )
    // A whole manifest is not a patch, a patch is not a whole manifest, and a damaged patch is refused.
    const m = manifestOf(['/a/'], [], '0'.repeat(32))
    expect(decodePatch(bytes(encodeManifest(m)))).toBeUndefined()
    expect(() => decodeManifest(bytes(encodePatch(m, 'b0', [])))).toThrow(/not a Kumo manifest/)
    expect(() => decodePatch(bytes('kumo-manifest-patch\t1\n{"v":1,"buildId":"x"}\n'))).toThrow(/names no base/)
    expect(() => decodePatch(bytes('kumo-manifest-patch\t1\n{"v":99,"base":"b"}\n'))).toThrow(/schema version 99/)
    expect(() => encodePatch(m, 'b0', [['/a\tb/', ['x']]])).toThrow(/control character/)
  })

  it('gives deploy and gc a patch in KV back as the whole manifest, read over its base', async () => {
    const base = manifestOf(['/a/', '/b/', '/c/'], ['/a/'], '1'.repeat(32))
    const entry: RouteEntry = ['2'.repeat(32), 'e-new', 7]
    const whole: Manifest = { ...base, buildId: 'p1', builtAt: '2025-01-03T00:00:00.000Z', routes: { ...base.routes, '/b/': entry }, edits: { '/b/': ['s1', 7] } }
    const stored = new Map([[base.buildId, encodeManifest(base)], ['p1', encodePatch(whole, base.buildId, [['/b/', entry], ['@/b/', ['s1', 7]]])]])
    const read = async (id: string) => stored.get(id) ?? null
    expect(await manifestFromStored(stored.get('p1')!, read)).toEqual(manifestFromText(encodeManifest(whole)))
    expect(await manifestFromStored(stored.get(base.buildId)!, read)).toEqual(manifestFromText(encodeManifest(base)))
    // The base untouched by reading the patch over it; a base gone, or a patch of itself, is an error that says so.
    expect((await manifestFromStored(stored.get(base.buildId)!, read)).routes['/b/']).toEqual(base.routes['/b/'])
    await expect(manifestFromStored(encodePatch(whole, 'gone', []), read)).rejects.toThrow(/patches build gone, which is not in KV/)
    stored.set('self', encodePatch({ ...whole, buildId: 'self' }, 'self', []))
    await expect(manifestFromStored(stored.get('self')!, read)).rejects.toThrow(/patch of a patch/)
  })

  it('refuses keys with control characters and bytes that are not a manifest', () => {
    expect(() => encodeManifest(manifestOf(['/a\tb'], [], '0'.repeat(32)))).toThrow(/control character/)
    expect(() => encodeManifest(manifestOf(['/a\nb'], [], '0'.repeat(32)))).toThrow(/control character/)
    expect(() => decodeManifest(new TextEncoder().encode('{"v":1}'))).toThrow(/not a Kumo manifest/)
    expect(() => decodeManifest(new TextEncoder().encode('kumo-manifest\t1\n{"v":99}\n'))).toThrow(/schema version 99/)
  })
})
