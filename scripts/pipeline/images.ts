/**
 * The images stage: every image a post or page shows from content/assets/
 * gets its intrinsic width and height (so the browser reserves its box: no
 * layout shift), and raster images wider than the smallest step get smaller
 * copies in AVIF and WebP, offered through `<picture>` with `srcset`/`sizes`
 * (HTML §4.8.4.3). The original stays at its URL as the `<img>` fallback.
 *
 * sharp (libvips) measures and encodes. Work is keyed by the file's SHA-256:
 * measurements and encoded copies live in `<cacheDir>/images/`, so a rebuild,
 * or a new process, encodes nothing it has encoded before; a BuildSession
 * keeps them in memory too. Copies are served from `/_kumo/img/` under
 * content-hashed names (cached immutable, like the stylesheet).
 *
 * Reads content/assets/ and the cache folder: this stage is an edge of the pipeline.
 */

import { mkdir, readFile, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { parseFragment, type DefaultTreeAdapterMap } from 'parse5'
import type sharpType from 'sharp'
import type { ImageRef, ImageSource } from '../../src/shared/schema.ts'
import { absoluteUrl } from '../../src/shared/paths.ts'
import { absoluteUrls, applyEdits, escapeAttr, type Edit } from './absolute-urls.ts'
import { fileSha256 } from './file-hash.ts'
import { keepIfChanged, readKept } from './kept-json.ts'
import { sha256 } from './manifest.ts'
import { simpleStartTags } from './simple-html.ts'
import { writeFileAtomic, type OutputFile } from './write.ts'

type Node = DefaultTreeAdapterMap['node']
type Element = DefaultTreeAdapterMap['element']

/** Widths of the copies, in CSS px × 2 for the 46rem column, never above the original's. */
export const STEPS = [480, 960, 1600]
const FORMATS = [
  { type: 'image/avif', ext: 'avif', encode: (s: sharpType.Sharp) => s.avif({ quality: 55, effort: 4 }) },
  { type: 'image/webp', ext: 'webp', encode: (s: sharpType.Sharp) => s.webp({ quality: 78 }) },
] as const
/** What the column shows (src/views/style.css `--measure` less padding): the browser picks the copy by it. */
const SIZES = '(min-width: 46rem) 43.5rem, calc(100vw - 2.5rem)'
const RASTER = new Set(['jpeg', 'png', 'webp', 'tiff'])

let sharpModule: Promise<typeof sharpType> | undefined
/**
 * sharp, loaded on the first image to measure or encode: loading libvips takes
 * ~30 ms of every start, and a warm build (or a blog without images) needs none.
 * Required, not imported: the build runs as a script compiled through node:vm
 * (scripts/run.mjs CODE_CACHED), where Node 20 has no `import()` but behind an
 * experimental flag; sharp is a CommonJS package.
 */
const loadSharp = (): Promise<typeof sharpType> => (sharpModule ??= Promise.resolve().then(() => createRequire(import.meta.url)('sharp') as typeof sharpType))
const ASSET_PREFIX = '/assets/'

export interface Measured {
  width: number
  height: number
  /** Copies, as public paths by format. */
  copies: Array<{ type: string; files: Array<{ path: string; width: number }> }>
}

/** What rewriting one HTML text used: each asset file by path with the hash it had, and the images measured. */
interface Rewritten {
  out: string
  /** What made `out` from the text: kept for a new process (KEPT). */
  edits: Edit[]
  files: Array<[string, string | undefined]>
  measured: Measured[]
}

/**
 * Each post's or page's rewrite, kept beside the render cache by the
 * render-cache key it was read under (a function of its HTML, and of this
 * file's code through the renderer version): a build in a new process then
 * applies the edits to an unchanged post whose images' files hash as they
 * did, instead of scanning every post's HTML for its images again.
 */
const KEPT = 'image-rewrites.json'
const KEPT_VERSION = 1
type Kept = Array<[key: string, edits: Edit[], files: Rewritten['files'], measured: Measured[]]>
const isKept = (x: unknown): x is Kept => Array.isArray(x) && x.every((e) => Array.isArray(e) && e.length === 4 && typeof e[0] === 'string' && [e[1], e[2], e[3]].every(Array.isArray))

/** Measurements by content hash, and rewritten texts, kept across the builds of one process (npm start). */
export class ImageMemo {
  readonly byHash = new Map<string, Measured | null>()
  /** This build's rewrites by input text; the last build's are looked up in `earlier`, then dropped. */
  rewrites = new Map<string, Rewritten>()
  earlier = new Map<string, Rewritten>()
  /**
   * Each item's rewritten copy, by the item: an unchanged post whose images
   * give the same HTML again gets back the very object of the last build, so
   * its records and their hashes carry over (assemble.ts and manifest.ts key
   * them by object) instead of every post with an image being made anew.
   */
  readonly copies = new WeakMap<object, object>()
  /** The rewrites an earlier process kept (KEPT), by render-cache key; undefined until read. */
  kept?: Map<string, Omit<Rewritten, 'out'>>
  /** This build's, by key, to keep for the next; and what the cache folder holds. */
  keep = new Map<string, Omit<Rewritten, 'out'>>()
  onDisk?: string
}

/** A new process's rewrites, from the cache folder (synchronous, kept-json.ts). */
async function restoreKept(memo: ImageMemo, cacheDir: string | undefined): Promise<void> {
  if (memo.kept) return
  memo.kept = new Map()
  const entries = cacheDir ? (await readKept(cacheDir, KEPT, KEPT_VERSION, ''))?.entries : undefined
  if (!isKept(entries)) return
  for (const [key, edits, files, measured] of entries) memo.kept.set(key, { edits, files, measured })
  memo.onDisk = JSON.stringify(entries)
}

async function keepKept(memo: ImageMemo, cacheDir: string | undefined): Promise<void> {
  const entries: Kept = [...memo.keep].map(([key, r]) => [key, r.edits, r.files, r.measured])
  if (cacheDir) memo.onDisk = await keepIfChanged(cacheDir, KEPT, KEPT_VERSION, '', 'entries', entries, memo.onDisk)
}

interface Context {
  contentDir: string
  cacheDir?: string
  memo: ImageMemo
  /** Copies this build serves, by public path: the bytes, or the cache file holding them. */
  files: Map<string, Buffer | string>
  /** Each image file's hash, looked up once per build however many posts show it (a stat each). */
  hashes: Map<string, Promise<string | undefined>>
}

const hashOnce = (ctx: Context, path: string) => {
  let hash = ctx.hashes.get(path)
  if (!hash) ctx.hashes.set(path, (hash = fileSha256(path)))
  return hash
}

/** Writes into `<cacheDir>/images/`, made on the first write. */
async function cacheWrite(ctx: Context, file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(join(ctx.cacheDir!, 'images'), { recursive: true })
  await writeFileAtomic(file, data)
}


async function encodeCopies(ctx: Context, input: Buffer, hash: string, width: number): Promise<Measured['copies']> {
  const widths = STEPS.filter((w) => w < width)
  if (widths.length === 0) return []
  const copies: Measured['copies'] = []
  for (const format of FORMATS) {
    const files: Array<{ path: string; width: number }> = []
    for (const w of [...widths, ...(width <= STEPS.at(-1)! ? [width] : [])]) {
      const name = `${hash.slice(0, 16)}-${w}.${format.ext}`
      const cached = ctx.cacheDir ? join(ctx.cacheDir, 'images', name) : undefined
      const have = cached ? await stat(cached).then(() => true, () => false) : false
      if (!have) {
        const sharp = await loadSharp()
        const data = await format.encode(sharp(input).resize({ width: w, withoutEnlargement: true })).toBuffer()
        if (cached) await cacheWrite(ctx, cached, data)
        else ctx.files.set(`_kumo/img/${name}`, data)
      }
      files.push({ path: `/_kumo/img/${name}`, width: w })
    }
    copies.push({ type: format.type, files })
  }
  return copies
}

/**
 * The measurement of one image under content/assets/, or null when it is not
 * an image sharp can read; the file and its hash are noted in `used`. The file
 * is read only when its hash (remembered by its stat, file-hash.ts) is new.
 */
async function measure(ctx: Context, src: string, files?: Rewritten['files']): Promise<Measured | null> {
  let file: string
  try {
    file = decodeURIComponent(src.slice(ASSET_PREFIX.length).split(/[?#]/)[0]!)
  } catch {
    return null
  }
  if (file.split('/').includes('..')) return null
  const path = join(ctx.contentDir, 'assets', file)
  const hash = await hashOnce(ctx, path)
  files?.push([path, hash])
  if (!hash) return null
  if (ctx.memo.byHash.has(hash)) return ctx.memo.byHash.get(hash)!
  const meta = ctx.cacheDir ? join(ctx.cacheDir, 'images', `${hash.slice(0, 16)}.json`) : undefined
  // A missing or unreadable entry (a build stopped mid-write) is measured again.
  let measured: Measured | null = meta ? await readFile(meta, 'utf8').then((t) => JSON.parse(t) as Measured, () => null) : null
  if (!measured) {
    // The file's bytes only when they are measured: a kept entry needs its hash alone.
    const input = await readFile(path)
    const sharp = await loadSharp()
    const info = await sharp(input).metadata().catch(() => undefined)
    if (info?.width && info.height) {
      // EXIF orientations 5–8 turn the picture a quarter: the box the browser draws is the other way round.
      const turned = (info.orientation ?? 1) >= 5
      const [width, height] = turned ? [info.height, info.width] : [info.width, info.height]
      const animated = (info.pages ?? 1) > 1
      measured = { width, height, copies: RASTER.has(info.format ?? '') && !animated ? await encodeCopies(ctx, input, hash, width) : [] }
      if (meta) await cacheWrite(ctx, meta, JSON.stringify(measured))
    }
  }
  ctx.memo.byHash.set(hash, measured)
  return measured
}

/** Copies the cache holds on disk are served from there; only their paths are recorded here. */
async function served(ctx: Context, m: Measured): Promise<void> {
  if (!ctx.cacheDir) return
  for (const { files } of m.copies) {
    for (const f of files) {
      const name = f.path.slice('/_kumo/img/'.length)
      if (!ctx.files.has(`_kumo/img/${name}`)) ctx.files.set(`_kumo/img/${name}`, join(ctx.cacheDir, 'images', name))
    }
  }
}

const srcset = (files: Array<{ path: string; width: number }>) => files.map((f) => `${f.path} ${f.width}w`).join(', ')

/** The `<source>` list of a measured image. */
export const sourcesOf = (m: Measured): ImageSource[] => m.copies.map((c) => ({ type: c.type, srcset: srcset(c.files) }))

function imgElements(node: Node, out: Element[]): void {
  const el = node as Element
  if (el.tagName === 'img') out.push(el)
  // Inside <picture> the author already chose the sources.
  if (el.tagName === 'picture') return
  for (const child of (node as DefaultTreeAdapterMap['template']).content?.childNodes ?? []) imgElements(child, out)
  for (const child of el.childNodes ?? []) imgElements(child, out)
}

interface ImgTag {
  attrs: Map<string, string>
  start: number
  end: number
}

/**
 * The <img> start tags outside <picture>: from the tokens of simple HTML
 * (simple-html.ts; every img there is an element, and no picture holds one),
 * else from parse5's tree. A src with a character reference needs the parser's decoding.
 */
export function imgTags(html: string): ImgTag[] {
  const simple = /<picture/i.test(html) ? undefined : simpleStartTags(html)
  const imgs = simple?.filter((t) => t.name === 'img')
  if (imgs && !imgs.some((t) => t.attrs.some((a) => a.name === 'src' && a.value.includes('&')))) {
    return imgs.map((t) => ({ attrs: new Map(t.attrs.map((a) => [a.name, a.value])), start: t.start, end: t.end }))
  }
  return parsedImgTags(html)
}

/** imgTags by parse5 alone (exported for the test that both agree). */
export function parsedImgTags(html: string): ImgTag[] {
  const elements: Element[] = []
  for (const child of parseFragment(html, { sourceCodeLocationInfo: true }).childNodes) imgElements(child, elements)
  return elements.flatMap((img) => {
    const loc = img.sourceCodeLocation?.startTag
    return loc ? [{ attrs: new Map(img.attrs.map((a) => [a.name.toLowerCase(), a.value])), start: loc.startOffset, end: loc.endOffset }] : []
  })
}

/** Whether each file is hashed as it was when a rewrite used it (a missing one, kept as JSON, is null). */
const unchanged = async (ctx: Context, files: Rewritten['files']) => (await Promise.all(files.map(async ([path, hash]) => ((await hashOnce(ctx, path)) ?? null) === (hash ?? null)))).every(Boolean)

async function rewrite(ctx: Context, html: string, files: Rewritten['files'], key: string | undefined): Promise<string> {
  if (!html.includes(ASSET_PREFIX)) return html
  // The same text as in the last build (or, by its key, an earlier process's), its images' files unchanged: the same output, without parsing it again.
  const kept = key === undefined ? undefined : ctx.memo.kept?.get(key)
  const seen = ctx.memo.rewrites.get(html) ?? ctx.memo.earlier.get(html) ?? (kept && { ...kept, out: applyEdits(html, kept.edits) })
  if (seen && (await unchanged(ctx, seen.files))) {
    for (const m of seen.measured) await served(ctx, m)
    ctx.memo.rewrites.set(html, seen)
    if (key !== undefined) ctx.memo.keep.set(key, seen)
    files.push(...seen.files)
    return seen.out
  }
  const used: Rewritten = { out: '', edits: [], files: [], measured: [] }
  const edits: Edit[] = []
  for (const img of imgTags(html)) {
    const attrs = img.attrs
    const src = attrs.get('src')
    if (!src?.startsWith(ASSET_PREFIX)) continue
    const m = await measure(ctx, src, used.files)
    if (!m) continue
    used.measured.push(m)
    await served(ctx, m)
    const startTag = html.slice(img.start, img.end)
    // The author's own size (kramdown `{: w= h= }`, Chirpy's) wins; else the file's.
    const size = attrs.has('width') || attrs.has('height') ? '' : ` width="${m.width}" height="${m.height}"`
    const tag = size ? startTag.replace(/\s*\/?>$/, `${size}>`) : startTag
    const sources = sourcesOf(m)
      .map((s) => `<source type="${s.type}" srcset="${escapeAttr(s.srcset)}" sizes="${SIZES}">`)
      .join('')
    const text = sources ? `<picture>${sources}${tag}</picture>` : tag
    if (text !== startTag) edits.push({ start: img.start, end: img.end, text })
  }
  used.out = applyEdits(html, edits)
  used.edits = edits
  ctx.memo.rewrites.set(html, used)
  if (key !== undefined) ctx.memo.keep.set(key, used)
  files.push(...used.files)
  return used.out
}

async function measureRef(ctx: Context, image: ImageRef | undefined, files: Rewritten['files']): Promise<ImageRef | undefined> {
  if (!image?.src.startsWith(ASSET_PREFIX)) return image
  const m = await measure(ctx, image.src, files)
  if (!m) return image
  await served(ctx, m)
  const sources = sourcesOf(m)
  return { ...image, width: m.width, height: m.height, ...(sources.length ? { sources } : {}) }
}

export interface WithImages {
  path: string
  html: string
  image?: ImageRef
  feedHtml?: string
}

const memos = new WeakMap<object, ImageMemo>()

/**
 * Posts and pages with their images measured and offered in modern formats,
 * and the files /_kumo/img/ must serve. Feeds keep the plain `<img>` with
 * absolute URLs (made here from the HTML before this stage, when the render
 * cache has not already), so a feed entry is the same whatever was cached.
 */
export async function imagesStage<P extends WithImages, Q extends WithImages>(
  posts: P[],
  pages: Q[],
  options: { contentDir: string; cacheDir?: string; siteUrl: string; session?: object; keys?: ReadonlyMap<object, string> },
): Promise<{ posts: P[]; pages: Q[]; files: OutputFile[]; keys: Map<object, string> }> {
  let memo = options.session ? memos.get(options.session) : undefined
  if (!memo) {
    memo = new ImageMemo()
    if (options.session) memos.set(options.session, memo)
  }
  // Only the last build's rewrites are kept: texts edited away are dropped.
  memo.earlier = memo.rewrites
  memo.rewrites = new Map()
  memo.keep = new Map()
  await restoreKept(memo, options.cacheDir)
  const ctx: Context = { contentDir: options.contentDir, cacheDir: options.cacheDir, memo, files: new Map(), hashes: new Map() }
  // The render-cache keys of the posts (read.ts keysByPost), and the copies' made here.
  const keys = new Map<object, string>(options.keys)
  const each = async <T extends WithImages>(item: T, feed: boolean): Promise<T> => {
    const files: Rewritten['files'] = []
    const html = await rewrite(ctx, item.html, files, options.keys?.get(item))
    const image = await measureRef(ctx, item.image, files)
    if (html === item.html && image === item.image) return item
    const copy = copyOf(item, html, image, feed)
    // A copy is a function of what it was made from and of its images' bytes: that is its key (record-sums.ts).
    const key = options.keys?.get(item)
    if (key) keys.set(copy, `${key}\timages:${sha256(JSON.stringify(files)).slice(0, 32)}`)
    return copy
  }
  const copyOf = <T extends WithImages>(item: T, html: string, image: ImageRef | undefined, feed: boolean): T => {
    const last = memo.copies.get(item) as T | undefined
    // The image's measures are a new object each time: compared by value.
    if (last && last.html === html && JSON.stringify(last.image) === JSON.stringify(image)) return last
    const feedHtml = feed ? (item.feedHtml ?? absoluteUrls(item.html, absoluteUrl(options.siteUrl, item.path))) : item.feedHtml
    const copy = { ...item, html, ...(image ? { image } : {}), ...(feedHtml !== undefined ? { feedHtml } : {}) }
    memo.copies.set(item, copy)
    return copy
  }
  const outPosts: P[] = []
  for (const post of posts) outPosts.push(await each(post, true))
  const outPages: Q[] = []
  for (const page of pages) outPages.push(await each(page, false))
  await keepKept(memo, options.cacheDir)
  const files: OutputFile[] = []
  for (const [path, value] of ctx.files) files.push({ path, data: typeof value === 'string' ? await readFile(value) : value })
  return { posts: outPosts, pages: outPages, files, keys }
}
