/**
 * The CPU side of the search bench, run as its own process by search.ts:
 * loads a built blog's KV entries from a file into an in-memory namespace and
 * times the worker's app in V8 (the engine workerd runs) with a
 * sub-microsecond clock, so the figure is the worker's own time per query with
 * no KV latency and none of the build's heap in the way.
 *
 * Usage: tsx scripts/bench/search-node.ts <kv.json> <buildId> <query>…
 * Prints one JSON line: per-query p50 and overall p50/p99 in ms.
 */

import { readFile } from 'node:fs/promises'
import app from '../../src/index.ts'

const [file, buildId, ...queries] = process.argv.slice(2)
const entries = JSON.parse(await readFile(file!, 'utf8')) as Array<{ key: string; value: string }>
const map = new Map(entries.map((e) => [e.key, e.value]))
const kv = {
  async get(key: string | string[]) {
    return Array.isArray(key) ? new Map(key.map((k) => [k, map.get(k) ?? null])) : (map.get(key) ?? null)
  },
} as unknown as KVNamespace
const env = { CONTENT: kv, BUILD_ID: buildId! } as Env
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
const ROUNDS = 200

async function once(path: string): Promise<number> {
  const t0 = performance.now()
  const res = await app.fetch(new Request(`https://bench.example${path}`), env, ctx)
  await res.arrayBuffer()
  return performance.now() - t0
}

const cold = await once(`/api/search?q=${encodeURIComponent(queries[0]!)}`)
const all: number[] = []
const perQuery: Record<string, number> = {}
// Warm the JIT on every query first, as a busy isolate would be.
for (const q of queries) for (let i = 0; i < 50; i++) await once(`/api/search?q=${encodeURIComponent(q)}`)
for (const q of queries) {
  const times: number[] = []
  for (let i = 0; i < ROUNDS; i++) times.push(await once(`/api/search?q=${encodeURIComponent(q)}`))
  times.sort((a, b) => a - b)
  perQuery[q] = Number(percentile(times, 50).toFixed(3))
  all.push(...times)
}
all.sort((a, b) => a - b)
console.log(JSON.stringify({ coldMs: Number(cold.toFixed(2)), p50: percentile(all, 50), p99: percentile(all, 99), perQuery }))
