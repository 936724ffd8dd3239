// npm start shows a saved post as a patch of the build before (src/shared/manifest-codec.ts
// encodePatch): only the lines that changed, over the base build the worker already has. The
// patched page must come from the patch, every other page from the base, and a patch whose base
// is gone or that patches patches for ever must be a 503, never a 500.
import { env } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resetCaches } from '../../src/data/index.ts'
import { CURRENT_KEY, blobKey, buildKey } from '../../src/shared/keys.ts'
import { encodePatch } from '../../src/shared/manifest-codec.ts'
import { memberText, refBlob } from '../../src/shared/packs.ts'
import type { Manifest, RouteEntry } from '../../src/shared/schema.ts'
import { forgetKept, staleKey } from '../../src/cache/stale.ts'
import { ORIGIN } from './helpers.ts'
import { faultyKv, fetchWith, seededManifest } from './faulty-kv.ts'

const POST = '/2025/01/deepseek-ai/'
const OTHER = '/2025/02/swift-concurrency-notes/'
const NEW_BLOB = 'f'.repeat(32)

beforeEach(async () => {
  resetCaches()
  // No stale copy of a page an earlier test rendered stands in for a 503 here (src/cache/stale.ts).
  for (const p of [POST, OTHER]) await (caches as unknown as { default: Cache }).default.delete(staleKey(`${ORIGIN}${p}`))
  forgetKept()
})
afterEach(() => {
  vi.restoreAllMocks()
  resetCaches()
})

/** The seeded build with POST's record replaced by one whose HTML says `marker`, stored as a patch named `id`. */
async function patched(id: string, marker: string, base?: string) {
  const manifest = await seededManifest()
  const [ref, etag, modified] = manifest.routes[POST]! as [string, string, number]
  const record = JSON.parse(memberText((await env.CONTENT.get(blobKey(refBlob(ref))))!, ref)) as { html: string }
  const entry: RouteEntry = [NEW_BLOB, `${etag}p`, modified + 1]
  const m: Manifest = { ...manifest, buildId: id, routes: { ...manifest.routes, [POST]: entry } }
  const values = new Map([
    [CURRENT_KEY, id],
    [buildKey(id), encodePatch(m, base ?? manifest.buildId, [[POST, entry]])],
    [blobKey(NEW_BLOB), JSON.stringify({ ...record, html: `<p>${marker}</p>` })],
  ])
  return { manifest, entry, kv: faultyKv(env.CONTENT, (key) => (values.has(key) ? { value: values.get(key)! } : 'pass')) }
}

describe('a build stored as a patch of the one before', () => {
  it('serves the patched page from the patch and every other page from its base', async () => {
    const { kv, entry } = await patched('aaaa000000000001', 'Patched in by a save.')
    const post = await fetchWith(kv, POST)
    expect(post.status).toBe(200)
    expect(post.headers.get('etag')).toContain(entry[1])
    expect(await post.text()).toContain('Patched in by a save.')
    const other = await fetchWith(kv, OTHER)
    expect(other.status).toBe(200)
    expect(await other.text()).not.toContain('Patched in by a save.')
    expect((await fetchWith(kv, '/')).status).toBe(200)
    expect((await fetchWith(kv, '/nope/')).status).toBe(404)
  })

  it('is a 503, never a 500, when its base is not in KV or it patches itself', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    for (const [id, base] of [['aaaa000000000002', 'bbbb000000000000'], ['aaaa000000000003', 'aaaa000000000003']] as const) {
      resetCaches()
      forgetKept()
      const { kv } = await patched(id, 'never shown', base)
      const res = await fetchWith(kv, POST)
      expect([id, res.status]).toEqual([id, 503])
      expect(await res.text()).not.toContain('never shown')
    }
  })
})
