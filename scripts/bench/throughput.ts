/**
 * Requests per second on loopback with autocannon, against one local server:
 * a static asset (what an edge cache hit costs: no worker code runs), a page
 * rendered by the worker, and the same page revalidated with If-None-Match
 * (answered 304 from the build-time ETag with no KV read).
 */

import autocannon from 'autocannon'

export interface Throughput {
  name: string
  path: string
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

async function load(name: string, url: string, path: string, headers: Record<string, string> = {}, expectStatus = 200): Promise<Throughput> {
  const result = await autocannon({ url: `${url}${path}`, connections: 10, duration: 5, headers })
  const bad = expectStatus === 200 ? result.non2xx : result.non2xx - (result['3xx'] ?? 0)
  return { name, path, rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: bad }
}

export async function throughputBench(url: string, pagePath: string, assetPath: string): Promise<Throughput[]> {
  const warm = await fetch(`${url}${pagePath}`)
  const etag = warm.headers.get('etag') ?? ''
  await warm.arrayBuffer()
  return [
    await load('static asset', url, assetPath),
    await load('rendered page (uncached)', url, pagePath),
    await load('revalidated page (304)', url, pagePath, { 'if-none-match': etag }, 304),
  ]
}
