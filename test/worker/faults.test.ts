// Fault injection: KV that throws, hangs, is empty, or holds corrupt records.
// Each case must end in a deliberate answer (a stale copy or a 503 page), logged
// with the request id, with no stack trace, never a 500 or a blank page.
import { env } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest'
import { resetCaches, setKvTimeout } from '../../src/data/index.ts'
import { blobKey, buildKey } from '../../src/shared/keys.ts'
import { memberText, refBlob } from '../../src/shared/packs.ts'
import { forgetKept, staleKey } from '../../src/cache/stale.ts'
import { ORIGIN, replaceMember } from './helpers.ts'
import { faultyKv, fetchWith, seededManifest, type FaultPlan } from './faulty-kv.ts'

const POST = '/2025/01/deepseek-ai/'
const OTHER = '/2025/02/swift-concurrency-notes/'
const STALE_POST = '/2025/03/edge-rendering-with-workers/'
const RAY = '8f00c0ffee123456-NRT'

const kv = (plan: FaultPlan) => faultyKv(env.CONTENT, plan)
const cache = () => (caches as unknown as { default: Cache }).default

let errors: MockInstance<typeof console.error>
beforeEach(async () => {
  resetCaches()
  setKvTimeout(5000)
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
  for (const p of [POST, OTHER, STALE_POST, '/', '/about/']) await cache().delete(staleKey(`${ORIGIN}${p}`))
  forgetKept()
})
afterEach(() => {
  errors.mockRestore()
  resetCaches()
  setKvTimeout(5000)
})

/** A 503 as the issue asks: Retry-After, an HTML page that says so, no trace, security headers. */
async function expect503(res: Response, text: RegExp) {
  expect(res.status).toBe(503)
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
  expect(res.headers.get('cache-control')).toBe('no-store')
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  const html = await res.text()
  expect(html).toMatch(/^<!doctype html>/)
  expect(html).toMatch(text)
  // No stack trace, error name or source path reaches the visitor.
  expect(html).not.toMatch(/\bat [\w.<>]+ \(|Error:|injected|\.ts\b|v1:blob/)
}

const loggedWithRay = () => errors.mock.calls.some((args) => String(args[0]).includes(`ray=${RAY}`))
const withRay = { headers: { 'cf-ray': RAY } }

describe('KV that throws', () => {
  it('answers a cold isolate with 503 "temporarily unavailable", logged with the cf-ray', async () => {
    const res = await fetchWith(kv(() => 'throw'), POST, withRay)
    await expect503(res, /Temporarily unavailable/)
    expect(loggedWithRay()).toBe(true)
  })

  it('logs a proxy request id when there is no cf-ray', async () => {
    await fetchWith(kv(() => 'throw'), POST, { headers: { 'x-request-id': 'req-42' } })
    expect(errors.mock.calls.some((args) => String(args[0]).includes('ray=req-42'))).toBe(true)
  })

  it('fails only the page whose record read fails once the manifest is warm', async () => {
    const manifest = await seededManifest()
    const [hash] = manifest.routes[POST]!
    const plan = kv((key) => (key === blobKey(refBlob(hash)) ? 'throw' : 'pass'))
    await expect503(await fetchWith(plan, POST, withRay), /Temporarily unavailable/)
    // A post in another pack (the one value that failed holds a few posts: src/shared/packs.ts).
    const other = Object.keys(manifest.routes).find((p) => /^\/\d{4}\/\d{2}\/[^/]+\/$/.test(p) && refBlob(manifest.routes[p]![0]) !== refBlob(hash))
    expect((await fetchWith(plan, other!)).status).toBe(200)
    expect((await fetchWith(plan, '/')).status).toBe(200)
  })

  it('still answers 304 from the warm manifest with no record read', async () => {
    const etag = (await fetchWith(env.CONTENT, POST)).headers.get('etag')!
    const res = await fetchWith(kv((key) => (key.startsWith('v1:blob:') ? 'throw' : 'pass')), POST, { headers: { 'If-None-Match': etag } })
    expect(res.status).toBe(304)
  })
})

describe('KV that hangs', () => {
  it('times out and answers 503 instead of holding the visitor', async () => {
    setKvTimeout(50)
    const started = Date.now()
    const res = await fetchWith(kv(() => 'hang'), POST, withRay)
    await expect503(res, /Temporarily unavailable/)
    expect(Date.now() - started).toBeLessThan(4000)
    expect(errors.mock.calls.some((args) => String(args[0]).includes('timed out') || String(args[1]).includes('timed out'))).toBe(true)
  })

  it('times out a hanging bulk read (a listing\'s items)', async () => {
    setKvTimeout(50)
    await fetchWith(env.CONTENT, '/tags/') // warm the manifest (not '/': that would keep a stale copy of it)
    const manifest = await seededManifest()
    const [homeHash] = manifest.routes['/']!
    const res = await fetchWith(kv((key) => (key.startsWith('v1:blob:') && key !== blobKey(refBlob(homeHash)) ? 'hang' : 'pass')), '/')
    await expect503(res, /Temporarily unavailable/)
  })
})

describe('a stale copy at the edge', () => {
  it('is served when KV fails, once a healthy request has rendered the page', async () => {
    const healthy = await fetchWith(env.CONTENT, STALE_POST)
    expect(healthy.status).toBe(200)
    const body = await healthy.text()
    resetCaches()
    const res = await fetchWith(kv(() => 'throw'), STALE_POST, withRay)
    expect(res.status).toBe(200)
    expect(res.headers.get('kumo-stale')).toBe('kv-unavailable')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('content-security-policy')).toBe(healthy.headers.get('content-security-policy'))
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toBe(body)
    expect(loggedWithRay()).toBe(true)
  })

  it('is not used for a page it does not hold', async () => {
    await fetchWith(env.CONTENT, STALE_POST)
    resetCaches()
    await expect503(await fetchWith(kv(() => 'throw'), OTHER), /Temporarily unavailable/)
  })

  it('answers HEAD with headers only', async () => {
    await fetchWith(env.CONTENT, STALE_POST)
    resetCaches()
    const res = await fetchWith(kv(() => 'throw'), STALE_POST, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
  })
})

describe('a namespace with no build yet', () => {
  it('answers every URL with the friendly "being published" 503', async () => {
    const empty = kv(() => ({ value: null }))
    for (const path of [POST, '/', '/feed.json', '/nope/']) {
      await expect503(await fetchWith(empty, path), /This site is being published/)
    }
  })

  it('says the same when the pointer names a build that is not uploaded yet', async () => {
    const res = await fetchWith(kv((key) => (key.startsWith('v1:build:') ? { value: null } : 'pass')), POST)
    await expect503(res, /This site is being published/)
  })
})

describe('corrupt records', () => {
  const corrupt = async (value: string) => {
    const manifest = await seededManifest()
    const [hash] = manifest.routes[POST]!
    // Only this post's member of its pack: the other posts in the pack still serve.
    const pack = (await env.CONTENT.get(blobKey(refBlob(hash))))!
    return kv((key) => (key === blobKey(refBlob(hash)) ? { value: replaceMember(pack, hash, value) } : 'pass'))
  }

  it.each([
    ['invalid JSON', '{"kind":"post","v":1,'],
    ['a wrong schema version', JSON.stringify({ kind: 'post', v: 2, title: 'from the future' })],
    ['a JSON value that is not an object', '"just a string"'],
    ['null', 'null'],
  ])('answers 503 for that page only when its record is %s', async (_, value) => {
    const plan = await corrupt(value)
    await expect503(await fetchWith(plan, POST, withRay), /Temporarily unavailable/)
    expect(loggedWithRay()).toBe(true)
    expect((await fetchWith(plan, OTHER)).status).toBe(200)
  })

  it('answers 503 when a record is missing from KV', async () => {
    const manifest = await seededManifest()
    const [hash] = manifest.routes[POST]!
    await expect503(await fetchWith(kv((key) => (key === blobKey(refBlob(hash)) ? { value: null } : 'pass')), POST), /Temporarily unavailable/)
  })

  it.each([
    ['a chunk of the wrong length', (items: string[]) => ({ kind: 'chunk', v: 1, items: items.slice(1) })],
    ['not a chunk', () => ({ kind: 'post', v: 1, title: 'not a chunk' })],
  ])('answers 503 for a listing page whose chunk is %s, and its API too', async (_, make) => {
    const manifest = await seededManifest()
    const entry = manifest.routes['/page/2/']!
    expect(entry).toHaveLength(6)
    const [chunk] = String(entry[3]).split(',')
    const pack = (await env.CONTENT.get(blobKey(refBlob(chunk!))))!
    const value = replaceMember(pack, chunk!, JSON.stringify(make((JSON.parse(memberText(pack, chunk!)) as { items: string[] }).items)))
    const plan = kv((key) => (key === blobKey(refBlob(chunk!)) ? { value } : 'pass'))
    await expect503(await fetchWith(plan, '/page/2/', withRay), /Temporarily unavailable/)
    const api = await fetchWith(plan, '/api/posts?page=2')
    expect(api.status).toBe(503)
    // The one JSON error shape; the detail (which names the chunk's key) goes to the log only.
    const body = (await api.json()) as { error: { code: string; message: string } }
    expect(body).toEqual({ error: { code: 'unavailable', message: 'temporarily unavailable; try again shortly' } })
    expect((await fetchWith(plan, POST)).status).toBe(200)
  })

  it('answers 503 everywhere, never 500, when the manifest itself is corrupt', async () => {
    const manifest = await seededManifest()
    const plan = kv((key) => (key === buildKey(manifest.buildId) ? { value: '{not json' } : 'pass'))
    for (const path of [POST, '/', '/nope/']) await expect503(await fetchWith(plan, path), /Temporarily unavailable/)
  })
})
