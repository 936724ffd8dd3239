/**
 * The content pipeline, as named stages, each a module of its own:
 *
 *   config → discover → read → render → link → derive → assets
 *     → assemble → pack → redirects → search → manifest → summary
 *
 * Each is timed (stages.ts: summary.stages, `npm run build -- --timings`);
 * a lap's name covers the work since the lap before it.
 *
 * config.ts     site.yml, validated                      → SiteConfig
 * sources.ts    discover: the Markdown files             → Found[]
 * read.ts       read, and look up in session and cache   → Read (hits and misses)
 * render.ts     parse + render the misses (render-pool; an edit on the worker alone, render-thread) → Rendered
 * link.ts       `post_url`, URL collisions, any errors   → Linked
 * derive.ts     feed HTML and search analysis, cached    → (on the posts)
 * images.ts     sizes and copies of the images shown     → (on the posts)
 * quick.ts      npm start: a saved post's page, patched into the previous build, shown first
 * assets.ts     stylesheet, favicon, _headers, template  → Assets
 * history.ts    what changed since the build before      → History (dates, edits)
 * epochs.ts     assemble: base epoch and schedule        → Epochs (blob store; unchanged posts' records
 *               named by the last build's sums, record-sums.ts, their JSON made only if read, blob-texts.ts)
 * packs.ts      pack: records into fewer KV values       → Epochs (refs into packs)
 * redirects.ts  redirect_from                            → redirect table
 * search-index.ts  the search records                    → SearchIndex (in a new process, the last
 *               layout's shards with the edited posts patched in, search-layout.ts, search-patch.ts)
 * manifest.ts   the manifest and its build id            → Manifest
 * summary.ts    counts, sizes, warnings                  → BuildSummary
 *
 * The file system is touched by config, discover and read (content/, through
 * sources.ts), by the render cache (cache.ts: its packs, and the pipeline's own
 * code for the renderer version), by assets (src/views and src/ for the
 * template hash), and, in buildToDisk only, by the writes (write.ts,
 * public-dir.ts). Everything else works on values in memory.
 *
 * Output of buildToDisk:
 *   <out>/blobs/<h>/<hash>.json  every blob, content-addressed (only new ones are written)
 *   <out>/manifest.json          the manifest, written last: what seed, deploy and the tests read
 *   <out>/summary.json           counts, sizes and time
 *   <public>/                    static assets: content/assets/ at /assets/, the hashed stylesheet
 *
 * A rebuild in the same process (`npm start`, the benchmark) passes a
 * BuildSession (session.ts): unchanged files keep their parsed posts, and with
 * them their records, hashes and search analysis, and the search index
 * measures its delta against the previous build's, so a one-post edit costs
 * work for one post plus the listings that show it.
 */

import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { buildKey, blobKey } from '../../src/shared/keys.ts'
import { encodeManifest } from '../../src/shared/manifest-codec.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import { assets, type Assets } from './assets.ts'
import { BlobLedger } from './blob-ledger.ts'
import { rendererVersion } from './cache.ts'
import { config } from './config.ts'
import { derive, type DeriveInput } from './derive.ts'
import type { Post } from './posts.ts'
import { epochs } from './epochs.ts'
import { keepFileHashes } from './file-hash.ts'
import { dating } from './history.ts'
import { imagesStage } from './images.ts'
import { link } from './link.ts'
import { manifest } from './manifest.ts'
import { pack } from './packs.ts'
import { keepPackNames, restorePackNames } from './pack-names.ts'
import { quick, type Built, type Quick, type QuickInput } from './quick.ts'
import { DIGEST, rememberPublic, syncPublic, type Synced } from './public-dir.ts'
import { keysByPost, readAll, type Read } from './read.ts'
import { redirects } from './redirects.ts'
import { keepRelated, restoreRelated } from './related-memo.ts'
import { render } from './render.ts'
import * as threads from './render-thread.ts'
import type { Pool } from './render-thread.ts'
import { searchIndex, type SearchBase, type SearchIndex } from './search-index.ts'
import { keepLayout, noteLayout } from './search-layout.ts'
import { BuildSession } from './session.ts'
import { countSources, discover, scanContent } from './sources.ts'
import { folderIndexRedirects } from './static-files.ts'
import { checkRouteOwners } from './routes-owner.ts'
import { checkRouteCount } from './limits.ts'
import { stageTimer } from './stages.ts'
import { summary, type BuildSummary } from './summary.ts'
import { blobFile, writeBlobs, writeFileAtomic, type OutputFile } from './write.ts'

export { BuildSession } from './session.ts'
export { syncPublic, type Synced } from './public-dir.ts'
export type { OutputFile } from './write.ts'
export type { BuildSummary } from './summary.ts'

export interface BuildOptions {
  contentDir: string
  outDir: string
  publicDir: string
  drafts?: boolean
  /** The build's "now": posts dated after it are scheduled. */
  now?: Date
  onProgress?: (done: number, total: number) => void
  /** Folder of the content-hash cache (scripts/pipeline/cache.ts); none when absent. */
  cacheDir?: string
  /**
   * Render on a second thread when there are many files to render
   * (render-pool.ts); 'auto': so for a build with no render cache too, when
   * content/ holds PARALLEL_MIN_FILES posts or more (`npm run build`).
   */
  parallel?: boolean | 'auto'
  /** What earlier builds in this process left (see BuildSession). */
  session?: BuildSession
  /** The search base to measure a delta against (a deploy passes the live build's); else the session's. */
  searchBase?: SearchBase
  /** The build this one follows (a deploy passes the live build's); else the session's. Dates what changed (history.ts). */
  previous?: Manifest
  /**
   * `npm start`: given the saved posts' pages patched into the session's
   * previous build (quick.ts), when a save allows it, before the rest of the
   * build runs; awaited. The session then keeps each build's blobs for the next.
   */
  onQuick?: (early: Quick) => Promise<void>
  /**
   * `npm start`: the files for public/, as soon as the build knows them (after
   * the assets stage), so that public/ can be written and served while the
   * rest of the build runs; awaited. They are the result's `assets`.
   */
  onAssets?: (files: OutputFile[]) => Promise<void>
  /**
   * `npm start`: the records made so far (every one but the search index's),
   * right after the assemble stage, so that they can go to local KV while the
   * search stage runs. Called synchronously and not awaited; the result's
   * `blobs` hold them too.
   */
  onRecords?: (blobs: ReadonlyMap<string, string>) => void
}

export interface BuildResult {
  manifest: Manifest
  /** The manifest as its KV value (src/shared/manifest-codec.ts), as built. */
  encoded: string
  blobs: Map<string, string>
  /** Blobs the manifest uses that this build did not make: the deploy's search base, already in KV. */
  external: Set<string>
  /** The search index's base segment, for a later build to measure its delta against. */
  searchBase: SearchBase
  summary: BuildSummary
  /** Files for the static-assets folder made by the build (the hashed stylesheet). */
  assets: OutputFile[]
  /** Non-fatal notes, one line each, naming the file. */
  warnings: string[]
  /**
   * With `onQuick` (npm start): the render cache's save, left to the caller to
   * run once the build is served, off the way to the page; it must have
   * settled before the session's next build starts.
   */
  saveCache?: () => Promise<void>
}

/** Runs the whole pipeline in memory; throws BuildErrors naming every bad file. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now()
  const session = options.session ?? new BuildSession()
  const pool = await earlyPool(options, session)
  try {
    return await stages(options, session, pool, started)
  } finally {
    pool?.close() // already closed once render is done; this is for a build that failed before
  }
}

/**
 * The second thread, started now so that its start-up overlaps the stages
 * before render (render-thread.ts): for a `parallel` build that will render
 * everything (with 'auto', one of a blog of PARALLEL_MIN_FILES posts or more),
 * and for the first build of a process over a render cache, which then
 * renders only what changed since the last (an edit) and can leave all of it
 * to the worker, so this thread never loads the renderer.
 */
async function earlyPool(options: BuildOptions, session: BuildSession): Promise<Pool | undefined> {
  if (session.posts.size > 0 || session.previous) return undefined
  if (options.parallel === true || !(await threads.rendersAll(options.cacheDir, session))) return threads.openPool()
  // A cold build of a large blog: the second thread pays for its start (1,000 posts: ~12% faster, and less peak memory).
  return options.parallel === 'auto' && countSources(options.contentDir, threads.PARALLEL_MIN_FILES) ? threads.openPool() : undefined
}

async function stages(options: BuildOptions, session: BuildSession, pool: Pool | undefined, started: number): Promise<BuildResult> {
  const { contentDir, drafts = false } = options
  const now = options.now ?? new Date()
  const nowMs = now.getTime()
  const { lap, times } = stageTimer()
  const site = await config(contentDir, options.cacheDir)
  lap('config')
  // Before anything under content/ is read: symbolic links are refused here (sources.ts).
  const statics = await scanContent(contentDir)
  const found = await discover(contentDir, drafts)
  lap('discover')
  const cache = await session.openCache(options.cacheDir)
  // Keys are worth computing only when something keeps what they name.
  const renderer = cache || options.session ? await rendererVersion() : ''
  let done = 0
  const progress = () => options.onProgress?.(++done, found.length)
  const read = await readAll({ contentDir, found, site, nowMs, session, cache, renderer, progress })
  lap('read')
  const rendering = render(read, { contentDir, found, site, nowMs, cache, renderer, pool, parallel: options.parallel ?? false, progress })
  const prepared = unrendered(contentDir, session, options.cacheDir, renderer)
  const rendered = await rendering
  lap('render')
  const plain = link(rendered, drafts)
  lap('link')
  const keys = keysByPost(read.kept)
  const saveCache = cache && (await deriveAndSave(plain.included, options, read.stamps, { siteUrl: site.url, cache, renderer, session, made: rendered.derived, keys }))
  lap('derive')
  const images = await imagesStage(plain.included, plain.pages, { contentDir, cacheDir: options.cacheDir, siteUrl: site.url, session, keys })
  lap('images')
  const linked = { ...plain, included: images.posts, pages: images.pages }
  if (options.onQuick) await showEarly(options.onQuick, session.built, { posts: linked.included, saved: read.fresh, nowMs }).then(() => lap('quick'))
  const ownerWarnings = checkRouteOwners({ posts: linked.included, pages: linked.pages, statics })
  const { files, memos } = await prepared
  const assetFiles = [...files.files, ...images.files]
  await options.onAssets?.(assetFiles)
  lap('assets')
  const dated = dating(linked.included, options.previous ?? session.previous, nowMs)
  session.assembly.sums.begin(images.keys, session.hashed)
  const assembled = pack(epochs(linked, site, files, nowMs, session, dated), linked.included, session.packs)
  checkRouteCount(Object.keys(assembled.base.routes).length)
  lap('assemble')
  options.onRecords?.(assembled.store.blobs)
  const redirectTable = redirects(linked.included, linked.pages, nowMs, assembled.base, { ...folderIndexRedirects(statics), ...site.redirects })
  // One index for every epoch: each doc says when it becomes visible (src/shared/search.ts).
  lap('redirects')
  const index = searchIndex(linked.included, assembled.store, options.searchBase ?? session.search, session.analysis, { sums: session.assembly.sums, packs: session.packs, layout: session.layout.input })
  await memos.keep(1 + assembled.schedule.length, index)
  lap('search')
  const items = [...linked.included, ...linked.pages]
  const built = manifest({ epochs: assembled, index, redirects: redirectTable, template: files.template, now, items })
  built.edits = dated.edits
  // Encoded once: the summary counts its bytes and npm start seeds it.
  const encoded = encodeManifest(built)
  lap('manifest')
  const report = summary({ linked, epochs: assembled, index, manifest: built, encoded, nowMs, cached: read.cached, started, stages: times, buildWarnings: ownerWarnings })
  lap('summary')
  session.remember({ manifest: built, read, search: index.base, built: options.onQuick ? { manifest: built, blobs: assembled.store.blobs } : undefined })
  return { manifest: built, encoded, blobs: assembled.store.blobs, external: new Set(index.external), searchBase: index.base, assets: assetFiles, saveCache, ...report }
}

/**
 * Stage "derive", then the render cache's save: now for a build on its own,
 * or given back for npm start to run once the build is served, off the page's
 * path (BuildResult.saveCache). Only a caller's session (npm start, the
 * benchmark) reads the cache again; otherwise it is released.
 */
async function deriveAndSave(posts: Post[], options: BuildOptions, stamps: Read['stamps'], input: DeriveInput): Promise<(() => Promise<void>) | undefined> {
  await derive(posts, input)
  if (options.cacheDir) await noteLayout(input.session, posts, input.cache, options.cacheDir, input.renderer)
  input.cache.keepStamps(stamps)
  if (options.onQuick) return () => input.cache.save()
  await input.cache.save()
  if (!options.session) input.cache.release()
  return undefined
}

/**
 * What needs nothing rendered, done while the worker renders an edit's files
 * (render.ts posts them before its first await) rather than after: the assets
 * stage, and what assemble and pack keep beside the render cache for a build
 * in a new process (related lists, pack names, record sums), restored; `keep`
 * writes this build's, once the search stage has summed its texts too.
 * Nothing is restored without a cache folder and a renderer version to key
 * it by.
 */
function unrendered(contentDir: string, session: BuildSession, cacheDir: string | undefined, renderer: string): Promise<{ files: Assets; memos: { keep: (epochs: number, index: SearchIndex) => Promise<unknown> } }> {
  const { assembly, packs } = session
  const restored = cacheDir && renderer ? Promise.all([restoreRelated(assembly, cacheDir, renderer), restorePackNames(packs, cacheDir), assembly.sums.restore(cacheDir, renderer)]) : undefined
  const keep = (epochs: number, index: SearchIndex) =>
    cacheDir && renderer
      ? Promise.all([keepRelated(assembly, cacheDir, renderer, epochs), keepPackNames(packs, cacheDir), assembly.sums.keep(cacheDir, renderer), keepLayout(session, index, cacheDir, renderer)])
      : Promise.resolve()
  const prepared = Promise.all([assets(contentDir), restored]).then(([files]) => ({ files, memos: { keep } }))
  // Awaited only after render: a failure of render first must not leave this one unhandled (Node would end the process).
  prepared.catch(() => undefined)
  return prepared
}

/** Stage "quick" (npm start only): the saved posts' pages, shown before the rest of the build when the save allows it. */
async function showEarly(onQuick: (early: Quick) => Promise<void>, previous: Built | undefined, input: Omit<QuickInput, 'previous'>) {
  const early = previous && quick({ previous, ...input })
  if (early) await onQuick(early)
}

/** The build as `wrangler kv bulk put` entries: blobs first, the manifest last. */
export function kvEntries(result: BuildResult): Array<{ key: string; value: string }> {
  return [
    ...[...result.blobs].map(([hash, value]) => ({ key: blobKey(hash), value })),
    { key: buildKey(result.manifest.buildId), value: encodeManifest(result.manifest) },
  ]
}

/**
 * Builds and writes the output folders, all or nothing: public/ (only when its
 * contents change, public-dir.ts), then the blobs, then the manifest that names
 * them, so whoever reads dist/ (npm run seed) starts from the manifest.
 */
export async function buildToDisk(options: BuildOptions): Promise<BuildResult> {
  const result = await build(options)
  const { writeDist } = await writePublic(result, options)
  await writeDist()
  return result
}

/**
 * Writes public/, and returns the writing of dist/ as a second step: `npm
 * start` serves from local KV, which it seeds from the build in memory, so it
 * writes dist/ after seeding, off a save's path (its workerd serves public/,
 * which must be in place first). `changed`: whether public/ was written.
 * `synced`: public/ already written from the result's assets (npm start's
 * onAssets), whose outcome is taken as it is.
 */
export async function writePublic(
  result: BuildResult,
  options: Pick<BuildOptions, 'contentDir' | 'outDir' | 'publicDir' | 'cacheDir'>,
  synced?: Promise<Synced>,
): Promise<{ writeDist: () => Promise<void>; changed: boolean }> {
  const { lap } = stageTimer(result.summary.stages)
  const publicSync = await (synced ?? syncPublic(result.assets, options))
  lap('public')
  return { writeDist: () => writeDist(result, options, publicSync), changed: publicSync.written }
}

/**
 * `npm start`, before its runtime starts on a build it has not made yet:
 * public/ as far as it is known without the posts (the build's own asset
 * files, content's static files), and its digest, so the first build writes
 * it again only if its posts show images.
 */
export async function prepublish(options: Pick<BuildOptions, 'contentDir' | 'outDir' | 'publicDir'>): Promise<void> {
  const { files } = await assets(options.contentDir)
  const { digest, written } = await syncPublic(files, options)
  if (!written) return
  await mkdir(options.outDir, { recursive: true })
  await rememberPublic(options, digest)
}

const MANIFEST = 'manifest.json'
const SUMMARY = 'summary.json'

/** The files writeDist leaves in dist/, relative to it (what up-to-date.ts stamps). */
export const distFiles = (result: BuildResult): string[] => [MANIFEST, SUMMARY, DIGEST, ...[...result.blobs.keys()].map((hash) => blobFile('blobs', hash))]

async function writeDist(result: BuildResult, options: Pick<BuildOptions, 'contentDir' | 'outDir' | 'publicDir' | 'cacheDir'>, { digest, state }: Synced): Promise<void> {
  const { lap } = stageTimer(result.summary.stages)
  const json = (v: unknown) => `${JSON.stringify(v, null, 1)}\n`
  await mkdir(options.outDir, { recursive: true })
  const blobDir = resolve(options.outDir, 'blobs')
  // Kept beside the render cache: without one, every kept blob is read back and compared.
  const ledger = options.cacheDir ? await BlobLedger.open(blobDir, options.cacheDir) : undefined
  const blobs = await writeBlobs(blobDir, result.blobs, ledger)
  // The blobs are most of the writing; the summary and manifest after them are two small files.
  lap('write')
  await writeFileAtomic(join(options.outDir, SUMMARY), json(result.summary))
  await writeFileAtomic(join(options.outDir, MANIFEST), json(result.manifest))
  await blobs.prune()
  await rememberPublic(options, digest, state)
  // After public/ is checked and written: the hashes of its files and of content's static ones, for the next process.
  if (options.cacheDir) await keepFileHashes(options.cacheDir)
}
