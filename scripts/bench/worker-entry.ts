/**
 * The benchmark's worker: Kumo's app behind a wrapper that counts KV read
 * operations (a bulk get counts once), the bytes they return and the time
 * spent waiting on them.
 *
 * - Any request: served by the app, with `x-kv-reads` and `x-kv-bytes` added.
 * - `/__bench?path=…&n=…[&cold=1]`: serves `path` n times inside the isolate
 *   and returns the total time and the KV wait. workerd's clock has millisecond
 *   resolution, so timing a batch is the only way to see sub-millisecond work.
 *   With `cold=1` the isolate's caches (manifest, site, search tables) are
 *   dropped before each request, as a new isolate would start.
 * - Any request with `?__cold=1`: the same, once.
 */

import { resetCaches } from '../../src/data/index.ts'
import app from '../../src/index.ts'
import { resetSearchCache } from '../../src/search/index.ts'

const coldStart = () => {
  resetCaches()
  resetSearchCache()
}

interface Counter {
  reads: number
  kvMs: number
  bytes: number
}

const utf8 = new TextEncoder()

/** Bytes of what a KV get returned: a value, or a bulk get's map of values. */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return utf8.encode(value).length
  if (value instanceof ArrayBuffer) return value.byteLength
  if (value instanceof Map) return [...value.values()].reduce((n: number, v) => n + sizeOf(v), 0)
  return 0
}

function counting(kv: KVNamespace, counter: Counter): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown
      if (typeof value !== 'function') return value
      const fn = (value as (...a: unknown[]) => unknown).bind(target)
      if (prop !== 'get' && prop !== 'getWithMetadata') return fn
      return async (...args: unknown[]) => {
        counter.reads++
        const t0 = performance.now()
        let value: unknown
        try {
          value = await fn(...args)
        } finally {
          counter.kvMs += performance.now() - t0
        }
        counter.bytes += sizeOf(value)
        return value
      }
    },
  })
}

async function batch(url: URL, env: Env, ctx: ExecutionContext): Promise<Response> {
  const path = url.searchParams.get('path') ?? '/'
  const n = Number(url.searchParams.get('n') ?? '20')
  const cold = url.searchParams.get('cold') === '1'
  const counter: Counter = { reads: 0, kvMs: 0, bytes: 0 }
  const target = new URL(path, url)
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    if (cold) coldStart()
    const res = await app.fetch(new Request(target), { ...env, CONTENT: counting(env.CONTENT, counter) }, ctx)
    await res.arrayBuffer()
  }
  const totalMs = performance.now() - t0
  return Response.json({ n, totalMs, kvMs: counter.kvMs, kvReads: counter.reads / n })
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/__bench') return batch(url, env, ctx)
    if (url.searchParams.get('__cold') === '1') {
      coldStart()
      url.searchParams.delete('__cold')
      request = new Request(url, request)
    }
    const counter: Counter = { reads: 0, kvMs: 0, bytes: 0 }
    const response = await app.fetch(request, { ...env, CONTENT: counting(env.CONTENT, counter) }, ctx)
    const headers = new Headers(response.headers)
    headers.set('x-kv-reads', String(counter.reads))
    headers.set('x-kv-bytes', String(counter.bytes))
    return new Response(response.body, { status: response.status, headers })
  },
} satisfies ExportedHandler<Env>
