/**
 * `npm run bench:search [-- --sizes 100,10000] [--corpus search|shared] [--cpu-only]`:
 * search latency and index size.
 *
 * For each size, generates a blog of mixed Chinese and English posts, builds
 * it in memory, loads it into Miniflare's KV (workerd, the runtime Workers
 * use) and times `/api/search` and `/search` for a fixed set of queries: rare
 * and common words, CJK words and phrases, multi-word queries. Times are taken
 * inside the isolate over batches of requests (see worker-entry.ts: workerd's
 * clock only ticks in milliseconds), so they are worker time: KV waits are
 * shown apart. Prints median and p99 per size, KV reads per query, and the
 * index size in KV per 1,000 posts.
 *
 * A library: search-cli.ts is the command, searchBench() the work.
 */

import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build, kvEntries, type BuildResult } from '../pipeline/index.ts'
import { bundle } from './bundle.ts'
import { benchMiniflare } from './render.ts'
import { generateCorpus } from './corpus.ts'
import { corpus } from './search-corpus.ts'

export interface SearchBenchOptions {
  /** Blog sizes, in posts. */
  sizes: number[]
  /** Batches of BATCH requests per query and route. */
  batches: number
  /** Only the V8 CPU figures: no workerd. */
  cpuOnly: boolean
  /** Which generated blog, and so which queries (SEARCH_QUERIES, SHARED_QUERIES). */
  corpus: 'search' | 'shared'
}

const BATCH = 20

/**
 * `--corpus search` (default): search-corpus.ts, a Zipf-distributed vocabulary,
 * so terms range from rare to everywhere. `--corpus shared`: corpus.ts, the
 * build bench's blog, whose posts repeat ten sentences: every term is in most
 * posts, the worst case for postings length.
 */
const SHARED_QUERIES = ['边缘计算', '缓存失效', '性能优化', 'Swift concurrency', 'latency', 'the', '大模型', 'zyxwvut']
/** Rare and common, CJK and Latin, single words, phrases, multi-word queries. */
const SEARCH_QUERIES = ['国运', '大模型', '开源', '人工智能 芯片', '边缘计算的延迟', '咖啡', 'swift actor', 'the', 'latency', 'edge cache worker', '不存在的词语组合', 'zyxwvut']

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

interface Row {
  posts: number
  route: string
  p50: number
  p99: number
  workerP50: number
  kvReads: string
}

async function measure(result: BuildResult, bundleFile: string, posts: number, queries: string[], batches: number): Promise<Row[]> {
  const mf = await benchMiniflare(bundleFile, result)
  try {
    const rows: Row[] = []
    // The floor: a 404 reads no KV and renders a small page; it shows what any request costs at this size.
    for (const route of ['/api/search', '/search', '404 floor']) {
      const totals: number[] = []
      const worker: number[] = []
      const reads = new Set<number>()
      for (const q of route === '404 floor' ? [''] : queries) {
        const path = route === '404 floor' ? '/no/such/page/' : `${route}?q=${encodeURIComponent(q)}`
        const perQuery: number[] = []
        const res = await mf.dispatchFetch(`https://bench.example${path}`)
        await res.arrayBuffer()
        if (res.status !== (route === '404 floor' ? 404 : 200)) throw new Error(`${path} answered ${res.status}`)
        reads.add(Number(res.headers.get('x-kv-reads')))
        for (let i = 0; i < batches; i++) {
          const b = (await (await mf.dispatchFetch(`https://bench.example/__bench?n=${BATCH}&path=${encodeURIComponent(path)}`)).json()) as {
            totalMs: number
            kvMs: number
          }
          totals.push(b.totalMs / BATCH)
          worker.push((b.totalMs - b.kvMs) / BATCH)
          perQuery.push((b.totalMs - b.kvMs) / BATCH)
        }
        perQuery.sort((a, b) => a - b)
        if (route === '/api/search') process.stderr.write(`  ${posts} posts ${q}: p50 less KV wait ${percentile(perQuery, 50).toFixed(3)} ms\n`)
      }
      totals.sort((a, b) => a - b)
      worker.sort((a, b) => a - b)
      rows.push({
        posts,
        route,
        p50: percentile(totals, 50),
        p99: percentile(totals, 99),
        workerP50: percentile(worker, 50),
        kvReads: [...reads].sort().join('/'),
      })
    }
    return rows
  } finally {
    await mf.dispose()
  }
}

interface Cpu {
  posts: number
  coldMs: number
  p50: number
  p99: number
  perQuery: Record<string, number>
}

const NODE_BENCH = fileURLToPath(new URL('./search-node.ts', import.meta.url))
const ENTRY = fileURLToPath(new URL('./worker-entry.ts', import.meta.url))

interface IndexSize {
  posts: number
  bytes: number
  records: number
  shards: number
  buildMs: number
}

export interface SearchBenchResult {
  queries: string[]
  cpu: Cpu[]
  rows: Row[]
  sizes: IndexSize[]
}

/** For each size: a generated blog, built in memory, timed in V8 and (unless cpuOnly) in workerd. */
export async function searchBench(options: SearchBenchOptions): Promise<SearchBenchResult> {
  const shared = options.corpus === 'shared'
  const queries = shared ? SHARED_QUERIES : SEARCH_QUERIES
  const worker = options.cpuOnly ? { file: '' } : await bundle(ENTRY)
  const out: SearchBenchResult = { queries, cpu: [], rows: [], sizes: [] }
  for (const count of options.sizes) {
    const dir = await mkdtemp(join(tmpdir(), 'kumo-search-bench-'))
    try {
      if (shared) await generateCorpus(dir, count, 42)
      else await corpus(dir, count, 9)
      const result = await build({ contentDir: dir, outDir: '', publicDir: '', now: new Date('2030-01-01T00:00:00Z') })
      const { search, posts, ms } = result.summary
      out.sizes.push({ posts, bytes: search.bytes, records: search.records, shards: search.shards, buildMs: ms })
      process.stderr.write(`built ${posts} posts in ${ms} ms; measuring…\n`)
      // V8 in its own process: the worker's CPU time with a fine clock and no KV latency.
      const file = join(dir, 'kv.json')
      await writeFile(file, JSON.stringify(kvEntries(result)))
      const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, NODE_BENCH, file, result.manifest.buildId, ...queries], { maxBuffer: 1 << 24 })
      out.cpu.push({ posts, ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<Cpu, 'posts'>) })
      if (!options.cpuOnly) out.rows.push(...(await measure(result, worker.file, posts, queries, options.batches)))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  return out
}

/** The bench's tables, as README quotes them. */
export function printSearchBench({ queries, cpu, rows, sizes }: SearchBenchResult): void {
  const f = (n: number) => n.toFixed(3)
  console.log('\nWorker CPU per /api/search request in V8 (ms), warm isolate, in-memory KV:')
  console.log('posts   p50      p99      cold (first query: manifest, site, doc table parsed)')
  for (const c of cpu) console.log(`${String(c.posts).padEnd(7)} ${f(c.p50).padEnd(8)} ${f(c.p99).padEnd(8)} ${c.coldMs}`)
  for (const c of cpu) console.log(`  ${c.posts} posts, p50 per query: ${Object.entries(c.perQuery).map(([q, ms]) => `${q} ${ms}`).join(' | ')}`)
  console.log('\nSearch latency inside workerd, per request (ms), over all queries:')
  console.log('posts   route        p50      p99      p50 less KV wait   KV reads/query (warm)')
  for (const r of rows) console.log(`${String(r.posts).padEnd(7)} ${r.route.padEnd(12)} ${f(r.p50).padEnd(8)} ${f(r.p99).padEnd(8)} ${f(r.workerP50).padEnd(18)} ${r.kvReads}`)
  console.log('\nIndex size in KV (shards + doc table + snippet texts):')
  for (const s of sizes) {
    console.log(
      `${String(s.posts).padEnd(7)} posts: ${(s.bytes / 1024).toFixed(0)} KiB in ${s.records} records, ${s.shards} shards; ` +
        `${((s.bytes / s.posts) * 1000 / 1024 / 1024).toFixed(2)} MiB per 1,000 posts (build ${s.buildMs} ms)`,
    )
  }
  console.log(`queries: ${queries.join(' | ')}`)
}
