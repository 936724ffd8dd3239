// Cache policy, build-time ETags and the KV reads each route costs, counted by
// a wrapper around the real KV binding.
import { env } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import { cacheHeaders } from '../../src/cache/index.ts'
import { resetCaches } from '../../src/data/index.ts'
import app from '../../src/index.ts'
import { ORIGIN, encoded } from './helpers.ts'

interface Counter {
  kv: KVNamespace
  reads: number
  keys: string[]
}

/** A KVNamespace that counts read operations (a bulk get is one) and the keys read. */
function counting(inner: KVNamespace): Counter {
  const counter: Counter = { kv: inner, reads: 0, keys: [] }
  counter.kv = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'get' || prop === 'getWithMetadata') {
        return (key: string | string[], ...rest: unknown[]) => {
          counter.reads++
          counter.keys.push(...(Array.isArray(key) ? key : [key]))
          return (target[prop] as (...a: unknown[]) => unknown).call(target, key, ...rest)
        }
      }
      const value = Reflect.get(target, prop) as unknown
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
  return counter
}

async function fetchCounted(path: string, headers: HeadersInit = {}) {
  const counter = counting(env.CONTENT)
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext
  const res = await app.fetch(new Request(`${ORIGIN}${path}`, { headers, redirect: 'manual' }), { ...env, CONTENT: counter.kv }, ctx)
  await res.arrayBuffer()
  return { res, reads: counter.reads, keys: counter.keys }
}

describe('KV reads per route', () => {
  beforeEach(async () => {
    resetCaches()
    // Warm the isolate: the manifest and site settings are read once per build id.
    const cold = await fetchCounted('/2025/01/deepseek-ai/')
    expect(cold.reads).toBe(4) // current pointer, manifest, site settings, the post
  })

  it.each([
    ['/2025/01/deepseek-ai/', 1],
    ['/about/', 1],
    ['/tags/', 1],
    ['/archives/', 1],
    ['/', 2],
    ['/page/2/', 2],
    [encoded('/tags/大模型/'), 2],
    ['/feed.json', 2],
    ['/no/such/page/', 0],
    ['/2025/01/deepseek-ai', 0],
  ])('%s reads %i keys when the isolate is warm', async (path, expected) => {
    const { reads, res } = await fetchCounted(path)
    expect(res.status).toBeLessThan(500)
    expect(reads).toBe(expected)
  })

  it('answers a revalidation with 304 and no KV read at all', async () => {
    const { res } = await fetchCounted('/feed.json')
    const again = await fetchCounted('/feed.json', { 'If-None-Match': res.headers.get('etag')! })
    expect(again.res.status).toBe(304)
    expect(again.reads).toBe(0)
  })

  it('reads a listing page`s items in one bulk read, however many there are', async () => {
    const { keys, reads } = await fetchCounted('/feed.json')
    expect(reads).toBe(2)
    expect(keys.length).toBeGreaterThan(2)
  })
})

describe('cache policy', () => {
  it('gives pages a zero browser max-age and a short edge life with stale-while-revalidate', async () => {
    const { res } = await fetchCounted('/2025/01/deepseek-ai/')
    expect(res.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=300')
    expect(res.headers.get('cloudflare-cdn-cache-control')).toBe('max-age=60, stale-while-revalidate=86400, stale-if-error=604800')
    // s-maxage or must-revalidate in the edge header would switch stale serving off.
    expect(res.headers.get('cloudflare-cdn-cache-control')).not.toMatch(/s-maxage|must-revalidate/)
  })

  it('tags responses with the build id and an ASCII form of the path', async () => {
    const { res } = await fetchCounted(encoded('/tags/大模型/'))
    const tags = res.headers.get('cache-tag')!.split(',')
    expect(tags).toContain('k-page')
    expect(tags.some((t) => /^b-[0-9a-f]{16}$/.test(t))).toBe(true)
    expect(tags).toContain(`p-${encoded('/tags/大模型/')}`)
    expect(tags.every((t) => /^[\x21-\x7e]+$/.test(t))).toBe(true)
  })

  it('gives feeds, 404s and redirects their own policies', async () => {
    expect((await fetchCounted('/feed.json')).res.headers.get('cache-control')).toBe('public, max-age=300, s-maxage=300')
    const missing = await fetchCounted('/nope/')
    expect(missing.res.headers.get('cache-control')).toBe('public, max-age=60, s-maxage=60')
    const redirect = await fetchCounted('/2025/01/deepseek-ai')
    expect(redirect.res.status).toBe(301)
    expect(redirect.res.headers.get('cache-control')).toBe('public, max-age=3600, s-maxage=3600')
  })

  it('never lets a cached listing outlive the next scheduled post', () => {
    const soon = cacheHeaders('page', { capSeconds: 45 })
    expect(soon['Cache-Control']).toBe('public, max-age=0, s-maxage=45')
    expect(soon['Cloudflare-CDN-Cache-Control']).toBe('max-age=45, stale-if-error=604800')
    const later = cacheHeaders('feed', { capSeconds: 400 })
    expect(later['Cloudflare-CDN-Cache-Control']).toBe('max-age=300, stale-while-revalidate=100, stale-if-error=604800')
  })

  it('does not cache errors', () => {
    expect(cacheHeaders('error')).toEqual({ 'Cache-Control': 'no-store' })
  })
})
