/**
 * The content pipeline, as named stages:
 *   discover → read → parse front matter → render → assemble → write.
 * Only discover/read (sources.ts) and write (write.ts) touch the file system.
 *
 * Output:
 *   <out>/blobs/<h>/<hash>.json  every blob, content-addressed (only new ones are written)
 *   <out>/manifest.json          the manifest, written last: what seed, deploy and the tests read
 *   <out>/summary.json           counts, sizes and time
 *   <public>/                    static assets: content/assets/ at /assets/, the hashed stylesheet
 *
 * A rebuild in the same process (`npm start`, the benchmark) passes a
 * BuildSession: unchanged files keep their parsed posts, and with them their
 * records, hashes and search analysis, and the search index measures its delta
 * against the previous build's, so a one-post edit costs work for one post plus
 * the listings that show it.
 */

import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { staticAssetHeaders } from '../../src/shared/headers.ts'
import { buildKey, blobKey } from '../../src/shared/keys.ts'
import { encodeManifest } from '../../src/shared/manifest-codec.ts'
import { absoluteUrl } from '../../src/shared/paths.ts'
import type { Manifest, ScheduleStep } from '../../src/shared/schema.ts'
import { absoluteUrls } from './absolute-urls.ts'
import { assemble } from './assemble.ts'
import { RenderCache, rendererVersion } from './cache.ts'
import { imagesStage } from './images.ts'
import { BuildError, BuildErrors } from './errors.ts'
import { buildSources, outcomeError } from './render-pool.ts'
import { POST_URL_MARK } from './liquid.ts'
import { BlobStore, buildManifest, diff, materialise, sha256, siteRecord, type Materialised } from './manifest.ts'
import type { Page, Post } from './posts.ts'
import { scriptHashesByPath } from './safety.ts'
import { indexBytes, primeAnalysis, searchIndex, storedAnalysis, type SearchBase } from './search-index.ts'
import { parseSiteConfig, siteRecordFields } from './site-config.ts'
import { discover, exists, read, readOptional, type SourceFile } from './sources.ts'
import { writeBlobs, writeFileAtomic, writeTrees, type OutputFile } from './write.ts'

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
  /** Render on a second thread when there are many files to render (render-pool.ts). */
  parallel?: boolean
  /** What earlier builds in this process left (see BuildSession). */
  session?: BuildSession
  /** The search base to measure a delta against (a deploy passes the live build's); else the session's. */
  searchBase?: SearchBase
}

/**
 * What one build leaves for the next in the same process. Posts are kept by
 * the render cache's key (a hash of the source, the site settings and the
 * renderer), so an unchanged file gives back the very object of last time.
 */
export class BuildSession {
  posts = new Map<string, Post | Page>()
  search?: SearchBase
  /** The render cache, read from disk once per process rather than once per build. */
  cache?: { dir: string; cache: RenderCache }
}

async function openCache(dir: string, session: BuildSession | undefined): Promise<RenderCache> {
  if (session?.cache?.dir === dir) {
    session.cache.cache.begin()
    return session.cache.cache
  }
  const cache = await RenderCache.open(dir)
  if (session) session.cache = { dir, cache }
  return cache
}

export interface BuildSummary {
  buildId: string
  posts: number
  scheduled: number
  pages: number
  tags: number
  categories: number
  routes: number
  blobs: number
  kvBytes: number
  /** The search index (every post, scheduled ones too): records, bytes, shards and posts in its delta. */
  search: { records: number; bytes: number; shards: number; delta: number }
  ms: number
  /** Source files whose parse + render came from the cache. */
  cached: number
  warnings: number
}

export interface BuildResult {
  manifest: Manifest
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
}

const SRC_DIR = fileURLToPath(new URL('../../src/', import.meta.url))
const STYLE = join(SRC_DIR, 'views', 'style.css')
const FAVICON = join(SRC_DIR, 'views', 'favicon.svg')

/** Hash of every source file that shapes a rendered response: part of every ETag. */
async function templateHash(): Promise<string> {
  const files = (await readdir(SRC_DIR, { recursive: true })).filter((f) => /\.(tsx?|css|svg)$/.test(f)).sort()
  const parts = await Promise.all(files.map(async (f) => `${f}\n${await readFile(join(SRC_DIR, f), 'utf8')}`))
  return sha256(parts.join('\n')).slice(0, 16)
}

function checkCollisions(posts: Post[], pages: Page[]): void {
  const seen = new Map<string, string>()
  const errors: BuildError[] = []
  for (const item of [...posts, ...pages]) {
    const other = seen.get(item.path)
    if (other) errors.push(new BuildError(item.source, `has the same URL ${item.path} as ${other}; change one file's permalink, slug or date`))
    else seen.set(item.path, item.source)
  }
  if (errors.length) throw new BuildErrors(errors)
}

/**
 * Swaps `{% post_url name %}` placeholders (liquid.ts) for the named post's URL,
 * now that every URL is known. An unknown name is an error, as in Jekyll. A
 * post that had any becomes a copy: the parsed original stays as the render
 * cache gave it, for the next build.
 */
function resolvePostUrls<T extends Post | Page>(items: T[], byName: Map<string, string>, errors: BuildError[]): T[] {
  const re = new RegExp(`${POST_URL_MARK}([^\\s"'<>)]+)`, 'g')
  return items.map((item) => {
    if (!item.html.includes(POST_URL_MARK)) return item
    const html = item.html.replace(re, (whole, name: string) => {
      let decoded = name
      try {
        decoded = decodeURIComponent(name) // marked percent-encodes non-ASCII hrefs
      } catch {}
      const path = byName.get(decoded.replace(/^.*\//, '').replace(/\.(md|markdown)$/i, ''))
      if (path) return path
      errors.push(new BuildError(item.source, `\`{% post_url ${name} %}\` names no post; use a file name from posts/ without its extension`))
      return whole
    })
    return { ...item, html, feedHtml: undefined }
  })
}

const postNames = (posts: Post[]) => new Map(posts.map((p) => [p.source.replace(/^.*\//, '').replace(/\.(md|markdown)$/i, ''), p.path]))

/** Cache keys of each post's derived values, so a post the session kept marks them used without hashing its HTML again. */
const derivedKeys = new WeakMap<Post, string[]>()

/**
 * Work derived from each post that the epochs reuse, taken from the render
 * cache when the post is unchanged: the feed copy of its HTML (parsing every
 * post's HTML to make links absolute is the costliest step of a warm build)
 * and its search analysis.
 */
async function primeDerived(posts: Post[], siteUrl: string, cache: RenderCache, renderer: string): Promise<void> {
  for (const post of posts) {
    const known = derivedKeys.get(post)
    if (known && post.feedHtml !== undefined) {
      cache.touch(known)
      continue
    }
    const feedKey = cache.key(renderer, 'feed-html', siteUrl, post.path, post.html)
    post.feedHtml = await cache.memo(feedKey, () => absoluteUrls(post.html, absoluteUrl(siteUrl, post.path)))
    const searchKey = cache.key(renderer, 'search', post.title, JSON.stringify(post.tags), JSON.stringify(post.categories), post.html)
    primeAnalysis(post, await cache.memo(searchKey, () => storedAnalysis(post)))
    derivedKeys.set(post, [feedKey, searchKey])
  }
}

/** Runs the whole pipeline in memory; throws BuildErrors naming every bad file. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now()
  const now = options.now ?? new Date()
  const siteFile = join(options.contentDir, 'site.yml')
  const siteSource = await readOptional(siteFile)
  if (siteSource === undefined) throw new BuildError('site.yml', 'is missing; create content/site.yml with title, url and timezone')
  const site = parseSiteConfig('site.yml', siteSource)

  const found = await discover(options.contentDir, options.drafts ?? false)
  const session = options.session
  const cache = options.cacheDir ? await openCache(options.cacheDir, session) : undefined
  const renderer = cache || session ? await rendererVersion() : ''
  const siteKey = JSON.stringify(site)
  const nowMs = now.getTime()
  let posts: Post[] = []
  let pages: Page[] = []
  const kept = new Map<string, Post | Page>()
  let cached = 0
  const errors: BuildError[] = []
  let done = 0
  const progress = () => options.onProgress?.(++done, found.length)
  // Reads run one batch ahead of the cache look-ups.
  const BATCH = 64
  const readBatch = (start: number) =>
    Promise.all(found.slice(start, start + BATCH).map(({ kind, file }) => read(options.contentDir, kind, file).catch((e: unknown) => e)))
  const slots: Array<Post | Page | undefined> = []
  const misses: Array<{ slot: number; file: SourceFile; key?: string }> = []
  let next = readBatch(0)
  for (let start = 0; start < found.length; start += BATCH) {
    const sources = await next
    next = readBatch(start + BATCH)
    for (const source of sources) {
      const slot = slots.push(undefined) - 1
      if (source instanceof BuildError) {
        errors.push(source)
        progress()
      } else if (source instanceof Error) throw source
      else {
        const file = source as SourceFile
        // A draft without a date takes the build's now, so its entry depends on it.
        const key = renderer ? sha256([renderer, siteKey, file.kind, file.path, file.text, file.kind === 'draft' ? String(nowMs) : ''].join('\0')) : undefined
        const remembered = key ? (session?.posts.get(key) as (Post & Page) | undefined) : undefined
        if (remembered) cache?.keep(key!, remembered)
        const hit = remembered ?? (key ? cache?.get<Post & Page>(key) : undefined)
        if (hit) {
          kept.set(key!, hit)
          cached++
          slots[slot] = hit
          progress()
        } else misses.push({ slot, file, key })
      }
    }
  }
  const outcomes = await buildSources(
    misses.map((m) => m.file),
    site,
    nowMs,
    { parallel: options.parallel ?? false, onEach: progress },
  )
  outcomes.forEach((outcome, i) => {
    const { slot, key } = misses[i]!
    if ('error' in outcome) return void errors.push(outcomeError(outcome.error))
    slots[slot] = outcome.ok
    if (key) {
      cache?.set(key, outcome.ok)
      kept.set(key, outcome.ok)
    }
  })
  found.forEach(({ kind }, i) => {
    const built = slots[i]
    if (built) (kind === 'page' ? pages : posts).push(built as Post & Page)
  })
  // Errors in the order of the files, however they were found.
  const order = new Map(found.map(({ file }, i) => [relative(options.contentDir, file).split(sep).join('/'), i]))
  errors.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0))
  if (errors.length === 0) {
    const byName = postNames(posts)
    posts = resolvePostUrls(posts, byName, errors)
    pages = resolvePostUrls(pages, byName, errors)
  }
  if (errors.length) throw new BuildErrors(errors)
  checkCollisions(posts, pages)
  const published = posts.filter((p) => p.published || options.drafts)
  if (cache) await primeDerived(published, site.url, cache, renderer)
  await cache?.save()
  const imaged = await imagesStage(published, pages, { contentDir: options.contentDir, cacheDir: options.cacheDir, siteUrl: site.url, session })
  const included = imaged.posts
  pages = imaged.pages

  const style = await readFile(STYLE, 'utf8')
  const css = `_kumo/style.${sha256(style).slice(0, 10)}.css`
  const assets: OutputFile[] = [
    { path: css, data: style },
    { path: 'favicon.svg', data: await readFile(FAVICON) },
    { path: '_headers', data: HEADERS },
    ...imaged.files,
  ]
  const template = await templateHash()
  const store = new BlobStore()
  const siteHash = store.put(siteRecord({ ...siteRecordFields(site), assets: { css: `/${css}`, favicon: '/favicon.svg' } }))
  const epoch = (at: number): Materialised => {
    const visible = included.filter((p) => p.ms <= at)
    return materialise(assemble(visible, pages, site.paginate, { siteUrl: site.url, lang: site.lang, taxonomyPaginate: site.taxonomyPaginate }), store, siteHash, template)
  }

  const base = epoch(nowMs)
  const times = [...new Set(included.filter((p) => p.ms > nowMs).map((p) => p.ms))].sort((a, b) => a - b)
  const schedule: ScheduleStep[] = []
  let previous = base
  for (const at of times) {
    const next = epoch(at)
    schedule.push(diff(at, previous, next))
    previous = next
  }
  const redirects: Record<string, string> = {}
  for (const post of included) {
    if (post.ms > nowMs) continue
    for (const from of post.redirectFrom) if (!(from in base.routes)) redirects[from] = post.path
  }
  // One index for every epoch: each doc says when it becomes visible (src/shared/search.ts).
  const index = searchIndex(included, store, options.searchBase ?? session?.search)
  Object.assign(base.records, index.records)
  const manifest = buildManifest(base, schedule, redirects, template, now)
  // Outside the build id's hash on purpose: it is derived from records the routes already hash.
  const scripts = scriptHashesByPath([...included, ...pages])
  if (Object.keys(scripts).length > 0) manifest.scriptHashes = scripts
  const visible = included.filter((p) => p.ms <= nowMs)
  const summary: BuildSummary = {
    buildId: manifest.buildId,
    posts: visible.length,
    scheduled: included.length - visible.length,
    pages: pages.length,
    tags: new Set(visible.flatMap((p) => p.tags.map((t) => t.slug))).size,
    categories: new Set(visible.flatMap((p) => p.categories.map((t) => t.slug))).size,
    routes: Object.keys(manifest.routes).length,
    blobs: store.blobs.size,
    kvBytes: store.totalBytes() + Buffer.byteLength(encodeManifest(manifest)),
    search: { records: index.blobs.length, bytes: indexBytes(index, store), shards: index.base.table.shards, delta: index.delta },
    ms: 0,
    cached,
    warnings: 0,
  }
  const warnings = [...posts, ...pages].flatMap((p) => p.warnings.map((w) => `${p.source}: ${w}`))
  summary.warnings = warnings.length
  summary.ms = Math.round(performance.now() - started)
  if (session) {
    session.posts = kept
    session.search = index.base
  }
  return { manifest, blobs: store.blobs, external: new Set(index.external), searchBase: index.base, summary, assets, warnings }
}

/** The build as `wrangler kv bulk put` entries: blobs first, the manifest last. */
export function kvEntries(result: BuildResult): Array<{ key: string; value: string }> {
  return [
    ...[...result.blobs].map(([hash, value]) => ({ key: blobKey(hash), value })),
    { key: buildKey(result.manifest.buildId), value: encodeManifest(result.manifest) },
  ]
}

const HEADERS = `# Workers Static Assets headers (written by the build).
${staticAssetHeaders()}/_kumo/*
  Cache-Control: public, max-age=31536000, immutable
/assets/*
  Cache-Control: public, max-age=3600, s-maxage=86400
`

/**
 * What public/ would be made from: the build's asset files and content/assets/
 * (names and contents).
 */
async function publicDigest(result: BuildResult, assets: string): Promise<string> {
  const parts = result.assets.map((a) => `${a.path}\n${sha256(typeof a.data === 'string' ? a.data : Buffer.from(a.data).toString('base64'))}`)
  parts.push(await treeState(assets))
  return sha256(parts.join('\n'))
}

/** Names and content hashes of every file under a folder ('' when it is missing): deterministic, so equal trees give equal output. */
async function treeState(dir: string): Promise<string> {
  if (!(await exists(dir))) return ''
  const parts: string[] = []
  for (const f of (await readdir(dir, { recursive: true })).sort()) {
    const file = join(dir, f)
    if ((await stat(file)).isFile()) parts.push(`${f}\n${createHash('sha256').update(await readFile(file)).digest('hex')}`)
  }
  return sha256(parts.join('\n'))
}

const KEEP_STYLESHEETS = 10

/**
 * Stylesheets of earlier builds, newest first, carried into the new output:
 * Workers Cache may still hold a page of the previous build for a minute after
 * a deploy, and that page must not point at a stylesheet that is gone.
 */
async function earlierStylesheets(publicDir: string, current: string): Promise<Array<[string, string]>> {
  const dir = join(publicDir, '_kumo')
  const names = await readdir(dir).catch(() => [] as string[])
  const sheets = await Promise.all(
    names
      .filter((n) => /^style\.[0-9a-f]+\.css$/.test(n) && `_kumo/${n}` !== current)
      .map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })),
  )
  return sheets
    .sort((a, b) => b.t - a.t)
    .slice(0, KEEP_STYLESHEETS - 1)
    .map(({ n }) => [join(dir, n), `_kumo/${n}`])
}

/**
 * Builds and writes the output folders, all or nothing. public/ is replaced
 * only when its contents change: `wrangler dev` reloads on any change there,
 * which would slow `npm start`'s edit-to-refresh loop for a text edit.
 */
export async function buildToDisk(options: BuildOptions): Promise<BuildResult> {
  const result = await build(options)
  const assets = join(options.contentDir, 'assets')
  const earlier = await earlierStylesheets(options.publicDir, result.assets[0]!.path)
  const json = (v: unknown) => `${JSON.stringify(v, null, 1)}\n`
  // public/ is left alone when it was made from the same inputs and nobody changed it since.
  const digest = await publicDigest(result, assets)
  const previous = await readOptional(join(options.outDir, 'public.digest'))
  const publicFresh = previous === `${digest}\n${await treeState(options.publicDir)}`
  if (!publicFresh) {
    await writeTrees([{ dir: options.publicDir, files: result.assets, copies: [...earlier, ...((await exists(assets)) ? [[assets, 'assets'] as [string, string]] : [])] }])
  }
  // Blobs first, then the manifest that names them: whoever reads dist/ (npm run seed) starts from the manifest.
  await mkdir(options.outDir, { recursive: true })
  const blobs = await writeBlobs(join(options.outDir, 'blobs'), result.blobs)
  await writeFileAtomic(join(options.outDir, 'summary.json'), json(result.summary))
  await writeFileAtomic(join(options.outDir, 'manifest.json'), json(result.manifest))
  await blobs.prune()
  // Written last, from what public/ holds now: a failure before this only means a rewrite next time.
  await writeFile(join(options.outDir, 'public.digest'), `${digest}\n${await treeState(options.publicDir)}`)
  return result
}
