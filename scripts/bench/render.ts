/**
 * Render time per route kind, measured through Miniflare (workerd) with the
 * built corpus in its KV, and the KV reads each route makes (counted by the
 * bench worker's wrapper). Times are wall-clock per request as seen from Node,
 * so they include Miniflare's loopback hop; the 404 row (no KV read, tiny
 * page) shows that floor.
 */

import { readFile } from 'node:fs/promises'
import { Miniflare } from 'miniflare'
import { CURRENT_KEY } from '../../src/shared/keys.ts'
import type { BuildResult } from '../pipeline/index.ts'
import { kvEntries } from '../pipeline/index.ts'

export interface RouteTiming {
  route: string
  path: string
  /** Per request inside workerd, from batches: median and 99th percentile of batch means (ms). */
  p50: number
  p99: number
  /** The same, less the time spent waiting on KV. */
  renderP50: number
  /** Per request as Node sees it through Miniflare's loopback (ms). */
  wallP50: number
  wallP99: number
  kvReads: number
  kvReadsCold: number
}

const BATCHES = 40
const BATCH = 25

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

/** Marks a sample path to be served with the isolate's caches dropped before each request. */
const COLD = 'cold:'

/** One representative path per route kind present in the build. */
export function samplePaths(result: BuildResult): Array<[string, string]> {
  const routes = Object.keys(result.manifest.routes)
  const pick = (re: RegExp) => routes.find((p) => re.test(p))
  // A post is a route with a `meta:` record, whatever its permalink pattern.
  const posts = Object.keys(result.manifest.records).filter((k) => k.startsWith('meta:')).map((k) => k.slice('meta:'.length))
  const rows: Array<[string, string | undefined]> = [
    ['home', '/'],
    ['home page 2', pick(/^\/page\/2\/$/)],
    ['post', posts[Math.floor(posts.length / 2)]],
    // The same post as a cold isolate serves it: manifest and site read and decoded first.
    ['post, cold isolate', `${COLD}${posts[Math.floor(posts.length / 2)]}`],
    ['tag page', pick(/^\/tags\/[^/]+\/$/)],
    ['feed (JSON)', '/feed.json'],
    ['feed (Atom)', routes.includes('/feed.xml') ? '/feed.xml' : undefined],
    ['sitemap', routes.includes('/sitemap.xml') ? '/sitemap.xml' : undefined],
    ['archives', '/archives/'],
    ['404', '/no/such/page/'],
  ]
  return rows.filter((r): r is [string, string] => r[1] !== undefined)
}

export async function seedMiniflare(mf: Miniflare, result: BuildResult): Promise<void> {
  const kv = await mf.getKVNamespace('CONTENT')
  const entries = [...kvEntries(result), { key: CURRENT_KEY, value: result.manifest.buildId }]
  // 32 puts at a time: 200 at once made Miniflare's loopback drop the connection on a busy 2-core machine.
  for (let i = 0; i < entries.length; i += 32) {
    await Promise.all(entries.slice(i, i + 32).map((e) => kv.put(e.key, e.value)))
  }
}

/** A Miniflare running the bench worker with `result` in its KV; dispose it when done. */
export async function benchMiniflare(bundleFile: string, result: BuildResult): Promise<Miniflare> {
  const mf = new Miniflare({
    modules: true,
    // Given as source: a path outside the working directory is refused by workerd.
    script: await readFile(bundleFile, 'utf8'),
    compatibilityDate: '2026-05-01',
    kvNamespaces: ['CONTENT'],
    bindings: { BUILD_ID: result.manifest.buildId },
  })
  await seedMiniflare(mf, result)
  return mf
}

export async function renderBench(bundleFile: string, result: BuildResult, iterations = 300): Promise<RouteTiming[]> {
  const mf = await benchMiniflare(bundleFile, result)
  try {
    const timings: RouteTiming[] = []
    const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/')
    for (const [route, sample] of samplePaths(result)) {
      const cold = sample.startsWith(COLD)
      const path = cold ? sample.slice(COLD.length) : sample
      const url = `https://bench.example${encode(path)}${cold ? '?__cold=1' : ''}`
      const first = await mf.dispatchFetch(url)
      await first.arrayBuffer()
      const wall: number[] = []
      let kvReads = 0
      for (let i = 0; i < iterations; i++) {
        const t0 = performance.now()
        const res = await mf.dispatchFetch(url)
        await res.arrayBuffer()
        wall.push(performance.now() - t0)
        kvReads = Number(res.headers.get('x-kv-reads'))
      }
      const inside: number[] = []
      const render: number[] = []
      for (let i = 0; i < BATCHES; i++) {
        const res = await mf.dispatchFetch(`https://bench.example/__bench?n=${BATCH}&path=${encodeURIComponent(encode(path))}${cold ? '&cold=1' : ''}`)
        const b = (await res.json()) as { totalMs: number; kvMs: number }
        inside.push(b.totalMs / BATCH)
        render.push((b.totalMs - b.kvMs) / BATCH)
      }
      for (const list of [wall, inside, render]) list.sort((a, b) => a - b)
      timings.push({
        route,
        path,
        p50: percentile(inside, 50),
        p99: percentile(inside, 99),
        renderP50: percentile(render, 50),
        wallP50: percentile(wall, 50),
        wallP99: percentile(wall, 99),
        kvReads,
        kvReadsCold: Number(first.headers.get('x-kv-reads')),
      })
    }
    return timings
  } finally {
    await mf.dispose()
  }
}
