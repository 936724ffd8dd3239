/**
 * `npm run bench [-- --sizes 1000,10000] [-- --quick]`: the numbers behind
 * Kumo's speed targets, printed as tables and written as JSON to
 * .kumo/bench/latest.json. Timing lives here, never in `npm test`.
 *
 *   (a) build time: content/, and generated corpora (corpus.ts): cold, then
 *       warm and after one post changed as `npm start` rebuilds (same process,
 *       one BuildSession), and after one post changed with a new session
 *       (`npm run build`'s case, the render cache on disk and nothing in
 *       memory, but in this warm process: a lower bound; (i) times real ones)
 *   (b) render time per route kind inside workerd, at 100 posts and the largest size
 *   (c) requests per second on loopback: static asset, rendered page, 304
 *   (d) worker bundle size, raw and gzipped
 *   (e) KV reads per route, counted by the bench worker's wrapper
 *   (f) Hugo on the same corpora, same machine, same run, and the ratio
 *   (h) KV writes of a first deploy, a one-post edit and a new post at 159,
 *       1,000 and 10,000 posts of real shape (`-- --only kv [--kv-sizes 159,1000]`
 *       runs this section alone)
 *   (i) issue 18's build goals: Kumo's cold build and rebuilds as new processes
 *       beside Hugo's, min/median/max of `--runs`, peak RSS, and the time of
 *       each pipeline stage, on the real-shaped corpus at 159, 1,000 and 10,000
 *       posts (real-builds.ts; `-- --only build [--sizes 159,1000] [--runs 3]`)
 *   (j) issue 18's `npm start` goals: command → first page at 159 posts, save →
 *       refreshed page at 1,000 (preview.ts; `-- --only start [--runs 3]`)
 *
 * `--only` runs one section and writes its figures into latest.json beside
 * what earlier runs left there.
 *
 * A library: bench-cli.ts is the command, runBench() the work.
 */

import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BuildSession, buildToDisk, type BuildResult } from '../pipeline/index.ts'
import { startLocalServer } from '../local-server.ts'
import { paths } from '../project.ts'
import { bundle } from './bundle.ts'
import { compressionBench } from './compression.ts'
import { generateCorpus } from './corpus.ts'
import { hugoBuild, hugoSite, hugoVersion } from './hugo.ts'
import { renderBench, type RouteTiming } from './render.ts'
import { throughputBench } from './throughput.ts'
import { issue18Markdown } from './issue-18.ts'
import { kvWritesBench, type KvWrites } from './kv-writes.ts'
import { previewSection } from './preview.ts'
import { realBuildSection } from './real-builds.ts'

export interface BenchOptions {
  /** Generated corpus sizes, in posts; 100 is always built too, for the render and throughput benches. */
  sizes: number[]
  /** Sizes of the real-shaped corpus that (i) builds. */
  realSizes: number[]
  /** Runs of each measure in (i) and (j). */
  runs: number
  /** Render iterations per route. */
  iterations: number
  /** Sizes of the real-shaped blogs whose deploy writes (h) counts. */
  kvSizes: number[]
  /** 'kv', 'build' or 'start': only section (h), (i) or (j). */
  only?: 'kv' | 'build' | 'start'
}

/** The one section `--only` names, into the report. */
async function onlySection(root: string, options: BenchOptions, report: Record<string, unknown>): Promise<void> {
  if (options.only === 'kv') report.kvWrites = await kvSection(root, options.kvSizes)
  if (options.only === 'build') report.realBuilds = await realBuildSection(root, options.realSizes, options.runs)
  if (options.only === 'start') report.start = await previewSection(root, options.runs)
}

/** Writes the report to .kumo/bench/latest.json; one section's over what the file held. */
async function writeReport(report: Record<string, unknown>, merge: boolean): Promise<void> {
  const out = join(paths.root, '.kumo', 'bench')
  const file = join(out, 'latest.json')
  const before = merge ? await readFile(file, 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>, () => ({})) : {}
  await mkdir(out, { recursive: true })
  const merged = { ...before, ...report }
  await writeFile(file, `${JSON.stringify(merged, null, 1)}\n`)
  console.log(`\nwrote ${join('.kumo', 'bench', 'latest.json')}`)
  const markdown = issue18Markdown(merged)
  if (!markdown) return
  await writeFile(join(out, 'issue-18.md'), markdown)
  console.log(`wrote ${join('.kumo', 'bench', 'issue-18.md')} (issue 18's figures, for the README's Performance section)`)
}

/** (h): KV writes per deploy, one corpus at a time (a 10,000-post build holds a lot in memory). */
async function kvSection(root: string, kvSizes: number[]): Promise<KvWrites[]> {
  const rows: KvWrites[] = []
  for (const size of kvSizes) rows.push(await kvWritesBench(root, size))
  console.log('\n(h) KV writes per deploy, generated blogs of real shape (Workers Free plan: 1,000 a day)')
  console.table(rows)
  return rows
}

interface BuildTiming {
  corpus: string
  posts: number
  coldMs: number
  warmMs: number
  oneChangedMs: number
  /** One-post rebuild (npm start) as a share of the cold build. */
  oneChangedShare: number
  /** One post changed, built by a new process with the render cache on disk (`npm run build`). */
  freshProcessMs: number
  /**
   * KV writes a deploy would make after adding one newest post (3 tags, 2 categories): the
   * blobs the build makes that the build before it did not, search measured as a delta.
   */
  newPostWrites: number
  kvMiB: number
  routes: number
  hugoMs?: number
  /** Hugo's time over Kumo's cold build: above 1 means Kumo is faster. */
  hugoOverKumo?: number
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const value = await work()
  return [value, performance.now() - t0]
}

/**
 * Cold (empty cache), warm (unchanged) and one-post-changed builds of a content
 * folder, the last two as `npm start` rebuilds; then one more edit built with a
 * new session, as a new `npm run build` process would (its JIT is warm, so this
 * is a lower bound on a real new process by the ~0.5 s Node and tsx take to start).
 */
async function timeBuilds(corpus: string, contentDir: string, work: string): Promise<{ timing: BuildTiming; result: BuildResult; publicDir: string }> {
  const options = { contentDir, outDir: join(work, 'dist'), publicDir: join(work, 'public'), cacheDir: join(work, 'cache') }
  const session = new BuildSession()
  const [cold, coldMs] = await timed(() => buildToDisk({ ...options, session }))
  const [, warmMs] = await timed(() => buildToDisk({ ...options, session }))
  const posts = join(contentDir, 'posts')
  const names = (await readdir(posts)).sort()
  const victim = join(posts, names[Math.floor(names.length / 2)]!)
  const original = await readFile(victim, 'utf8')
  await writeFile(victim, `${original}\nOne more paragraph, added by the benchmark.\n`)
  const [, oneChangedMs] = await timed(() => buildToDisk({ ...options, session }))
  await writeFile(victim, `${original}\nAnother paragraph, added by the benchmark.\n`)
  const [, freshProcessMs] = await timed(() => buildToDisk(options))
  await writeFile(victim, original)
  // A new newest post, as a deploy would upload it: its search measured against the build before.
  const before = await buildToDisk({ ...options, session })
  const added = join(posts, '2026-01-01-added-by-the-benchmark.md')
  await writeFile(added, '---\ntitle: Added by the benchmark\ndate: 2026-01-01 10:00 +08:00\ntags: [Swift, 性能, Web]\ncategories: [Programming, Notes]\n---\n\nA new post.\n')
  const after = await buildToDisk({ ...options, session, searchBase: before.searchBase })
  await rm(added)
  const newPostWrites = [...after.blobs.keys()].filter((h) => !before.blobs.has(h)).length + 1 // + the manifest
  const timing: BuildTiming = {
    corpus,
    posts: cold.summary.posts,
    coldMs: Math.round(coldMs),
    warmMs: Math.round(warmMs),
    oneChangedMs: Math.round(oneChangedMs),
    oneChangedShare: round(oneChangedMs / coldMs, 3),
    freshProcessMs: Math.round(freshProcessMs),
    newPostWrites,
    kvMiB: round(cold.summary.kvBytes / 2 ** 20, 1),
    routes: cold.summary.routes,
  }
  return { timing, result: cold, publicDir: options.publicDir }
}

type Built = Map<number, { result: BuildResult; publicDir: string }>

/** Runs every bench, prints its tables and writes .kumo/bench/latest.json. */
export async function runBench(options: BenchOptions): Promise<void> {
  const { sizes, iterations, kvSizes, only } = options
  const root = await mkdtemp(join(tmpdir(), 'kumo-bench-'))
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, hugo: await hugoVersion() },
  }
  try {
    if (only) {
      await onlySection(root, options, report)
      return await writeReport(report, true)
    }
    report.realBuilds = await realBuildSection(root, options.realSizes, options.runs)
    report.start = await previewSection(root, options.runs)
    report.bundle = await bundleBench()
    const { builds, results } = await buildBenches(root, sizes)
    report.builds = builds
    // (b) + (e) and (g) run the bench worker inside workerd.
    const benchWorker = await bundle('scripts/bench/worker-entry.ts')
    report.render = await renderBenches(benchWorker.file, results, iterations)
    report.compression = await compressionAtLargest(benchWorker.file, results)
    report.throughput = await throughputAt100(results.get(100)!)
    report.kvWrites = await kvSection(root, kvSizes)
    report.lighthouse = await lastLighthouse(join(paths.root, '.kumo', 'bench'))
    await writeReport(report, false)
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

/** (d) the real worker's bundle. */
async function bundleBench() {
  const worker = await bundle()
  console.log(`\n(d) worker bundle: ${(worker.bytes / 1024).toFixed(1)} KiB raw, ${(worker.gzipBytes / 1024).toFixed(1)} KiB gzipped (target ≤ 64 KiB)`)
  return { bytes: worker.bytes, gzipBytes: worker.gzipBytes, gzipKiB: round(worker.gzipBytes / 1024, 1) }
}

/** (a) + (f) builds of content/ and of each generated size, Kumo's and Hugo's; the builds at 100 posts and the largest size kept. */
async function buildBenches(root: string, sizes: number[]): Promise<{ builds: BuildTiming[]; results: Built }> {
  const builds: BuildTiming[] = []
  // The bench edits a post to time a one-post rebuild, so it works on a copy of content/.
  const contentCopy = join(root, 'content')
  await cp(paths.contentDir, contentCopy, { recursive: true })
  builds.push((await timeBuilds('content/', contentCopy, join(root, 'w-content'))).timing)
  const results: Built = new Map()
  for (const size of [...new Set([100, ...sizes])].sort((a, b) => a - b)) {
    const dir = join(root, `corpus-${size}`)
    await generateCorpus(dir, size)
    const { timing, result, publicDir } = await timeBuilds(`generated ${size}`, dir, join(root, `w-${size}`))
    if (size === 100 || size === Math.max(...sizes)) results.set(size, { result, publicDir })
    if (sizes.includes(size)) builds.push(await withHugo(root, dir, size, timing))
  }
  console.log('\n(a, f) builds (ms; hugoOverKumo > 1 means Kumo is faster; oneChangedShare target < 0.1)')
  console.table(builds)
  return { builds, results }
}

/** (f) Hugo on the same corpus: its time beside Kumo's cold build. */
async function withHugo(root: string, dir: string, size: number, timing: BuildTiming): Promise<BuildTiming> {
  const site = join(root, `hugo-${size}`)
  await hugoSite(dir, site, 'Asia/Shanghai')
  try {
    timing.hugoMs = Math.round(await hugoBuild(site, join(root, `hugo-out-${size}`)))
    timing.hugoOverKumo = round(timing.hugoMs / timing.coldMs)
  } catch (error) {
    console.warn(`hugo failed on ${size} posts: ${(error as Error).message.split('\n')[0]}`)
  }
  await rm(join(root, `hugo-out-${size}`), { recursive: true, force: true })
  return timing
}

/** (b) + (e) render time and KV reads per route, inside workerd. */
async function renderBenches(workerFile: string, results: Built, iterations: number): Promise<Record<string, RouteTiming[]>> {
  const render: Record<string, RouteTiming[]> = {}
  for (const [size, { result }] of [...results].sort((a, b) => a[0] - b[0])) {
    render[String(size)] = await renderBench(workerFile, result, iterations)
    console.log(`\n(b, e) render per route at ${size} posts (ms inside workerd, batch means; wall = through Miniflare's loopback)`)
    console.table(render[String(size)]!.map((r) => ({ ...r, p50: round(r.p50), p99: round(r.p99), renderP50: round(r.renderP50), wallP50: round(r.wallP50), wallP99: round(r.wallP99) })))
  }
  return render
}

/** (g) compression: bytes on the wire and workerd CPU per request, at the largest size. */
async function compressionAtLargest(workerFile: string, results: Built) {
  const [largest, { result: big }] = [...results].sort((a, b) => b[0] - a[0])[0]!
  const compression = await compressionBench(workerFile, big)
  console.log(`\n(g) compression at ${largest} posts (bytes sent; workerd CPU ms per request, from /proc)`)
  console.table(compression.map((r) => ({ ...r, cpuMs: round(r.cpuMs) })))
  return compression
}

/** (c) throughput on loopback, 100-post corpus. */
async function throughputAt100(small: { result: BuildResult; publicDir: string }) {
  const server = await startLocalServer(small.result, small.publicDir)
  try {
    const posts = Object.keys(small.result.manifest.records).filter((k) => k.startsWith('meta:')).map((k) => k.slice('meta:'.length))
    const css = small.result.assets[0]!.path
    const throughput = await throughputBench(server.url, encodeURI(posts[0]!), `/${css}`)
    console.log('\n(c) requests per second on loopback (autocannon, 10 connections, 5 s each)')
    console.table(throughput)
    return throughput
  } finally {
    await server.stop()
  }
}

/**
 * (g) Lighthouse performance, median of 3, as the browser suite's audit last measured it
 * (`npm run test:e2e -- audit` takes ~9 minutes: it is not re-run here).
 */
async function lastLighthouse(out: string) {
  const lighthouse = await readFile(join(out, 'lighthouse.json'), 'utf8').then((t) => JSON.parse(t) as { at: string; medians: Record<string, Record<string, { performance: number }>> }, () => undefined)
  if (lighthouse) {
    console.log(`\n(g) Lighthouse performance, median of 3 (from the e2e audit of ${lighthouse.at})`)
    console.table(Object.fromEntries(Object.entries(lighthouse.medians).map(([form, pages]) => [form, Object.fromEntries(Object.entries(pages).map(([page, m]) => [page, m.performance]))])))
  } else console.log('\n(g) Lighthouse: no audit yet; run `npm run test:e2e -- audit`')
  return lighthouse
}
