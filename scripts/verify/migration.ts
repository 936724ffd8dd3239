/**
 * The migration report: builds a Kumo content folder, serves it locally
 * (scripts/local-server.ts: `wrangler dev` on a private local KV, static
 * files from public/ as Workers Static Assets serves them), requests every
 * URL and file the old site had, and sorts each into
 *
 *   kept        200
 *   redirected  one 301/308 to a URL that answers 200
 *   lost        anything else, with the status and a likely reason
 *
 * The old site is its built folder (`_site/`: every file it holds, and the
 * URLs of its sitemap.xml) or its `sitemap.xml` alone.
 *
 * Post bodies: with an old `_site/`, each post's body is compared with the
 * old page at the same URL by the rendering check's comparison
 * (old-bodies.ts over bodies.ts); a sitemap alone has no HTML to compare.
 */

import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLocalServer } from '../local-server.ts'
import { buildToDisk } from '../pipeline/index.ts'
import { compareOldBodies, compareReferenceBodies, formatOldBodies, oldFileCandidates, type OldBodiesReport } from './old-bodies.ts'
import { postRecords } from './site-bodies.ts'

/** `absent`: listed in the old sitemap, but the old site had no file there either (it answered 404 before the move too). */
export type Verdict = 'kept' | 'redirected' | 'lost' | 'absent'

export interface UrlResult {
  path: string
  verdict: Verdict
  status: number
  /** Where a redirect pointed, and what that answered. */
  location?: string
  finalStatus?: number
  reason?: string
}

export interface MigrationReport {
  old: string
  urls: UrlResult[]
  totals: Record<Verdict, number> & { urls: number }
  bodies: { compared: false; note: string } | OldBodiesReport
}

const decode = (p: string) => {
  try {
    return decodeURIComponent(p)
  } catch {
    return p
  }
}
/** A decoded path as a request path: each segment percent-encoded. */
export const encodePath = (path: string) => path.split('/').map((s) => encodeURIComponent(s)).join('/')

/** The URL a file of a built site answers at: `a/index.html` → `/a/`, others their own path. */
export function fileUrl(rel: string): string {
  const path = `/${rel}`
  return path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : path
}

/** The paths of a sitemap.xml's `<loc>`s (a sitemap index's parts are not followed: they are files of the site too). */
export function sitemapPaths(xml: string): string[] {
  const out: string[] = []
  for (const m of xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)) {
    const loc = m[1]!.replace(/&amp;/g, '&')
    try {
      out.push(decode(new URL(loc).pathname))
    } catch {
      if (loc.startsWith('/')) out.push(decode(loc))
    }
  }
  return out
}

/** Every URL of the old site, decoded, sorted: its files and its sitemap's URLs. */
export async function oldUrls(old: string): Promise<string[]> {
  const info = await stat(old).catch(() => undefined)
  if (!info) throw new Error(`${old}: not found; give the old site's _site/ folder or its sitemap.xml`)
  const urls = new Set<string>()
  if (info.isDirectory()) {
    for (const e of await readdir(old, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue
      const rel = join(e.parentPath, e.name).slice(old.length).replace(/^[/\\]+/, '').split('\\').join('/')
      urls.add(fileUrl(rel))
    }
    const sitemap = await readFile(join(old, 'sitemap.xml'), 'utf8').catch(() => '')
    for (const p of sitemapPaths(sitemap)) urls.add(p)
  } else for (const p of sitemapPaths(await readFile(old, 'utf8'))) urls.add(p)
  return [...urls].sort()
}

/** Whether the old built site has a file for a URL path, as GitHub Pages finds one (`/a` is a.html or a/index.html). */
export async function oldFileExists(oldSite: string, path: string): Promise<boolean> {
  for (const t of oldFileCandidates(path)) if (await stat(join(oldSite, t)).then((s) => s.isFile(), () => false)) return true
  return false
}

/** Lost URLs the old site did not answer either become `absent`: the move lost nothing there. */
export async function markAbsent(urls: UrlResult[], oldSite: string): Promise<void> {
  for (const u of urls) {
    if (u.verdict !== 'lost' || (await oldFileExists(oldSite, u.path))) continue
    u.verdict = 'absent'
    u.reason = "listed in the old sitemap, but the old site had no file there either: it was a 404 before the move"
  }
}

/** Why a URL Kumo does not answer was probably lost: what kind of file it was. */
export function likelyReason(path: string): string {
  if (/(^|\/)404(\.html|\/)?$/.test(path)) return "the old site's not-found page; Kumo answers every unknown URL with its own"
  if (/\.(css|js|mjs|map|woff2?|ttf|eot|otf)$/i.test(path)) return "the old theme's stylesheet, script or font (Kumo's pages do not use it); re-import with --built <old _site> to keep it"
  if (/\.(json|xml|txt|webmanifest|ico|svg|png|jpe?g|gif|webp)$/i.test(path)) return 'a file the old theme or a plugin generated; re-import with --built <old _site> to keep it, or copy it into content/static/'
  if (/\/(page|p)\d+\/?$|\/page\/\d+\/?$/.test(path)) return 'a listing page past the last page Kumo has'
  return 'a page with no Kumo equivalent (a theme or plugin page); add a redirect to site.yml `redirects:`'
}

/**
 * A temporary redirect (302, 303, 307) to a page that answers 200 reaches the
 * page but is no move: search engines keep the old URL. Workers Static Assets
 * answers a file's address with repeated slashes (`//assets/cv.pdf`, from a
 * Jekyll sitemap whose `url` ended in `/`) so, before the worker can.
 */
async function redirectReason(origin: string, path: string, first: { status: number; location?: string }): Promise<string | undefined> {
  if (![302, 303, 307].includes(first.status) || !first.location) return undefined
  const target = new URL(first.location, origin)
  if (target.origin !== new URL(origin).origin) return undefined
  const location = decode(target.pathname)
  if ((await request(origin, target.pathname + target.search)).status !== 200) return undefined
  const merged = location === path.replace(/\/{2,}/g, '/')
  return `a temporary ${first.status} to ${location}, which answers 200${merged ? ': Workers Static Assets merges the slashes of a static file\'s address itself, before the worker runs' : ''}`
}

async function request(origin: string, path: string): Promise<{ status: number; location?: string }> {
  const res = await fetch(`${origin}${path}`, { redirect: 'manual' })
  await res.arrayBuffer()
  return { status: res.status, location: res.headers.get('location') ?? undefined }
}

/** Requests each path: 200, or one redirect to a 200, or lost. A few requests at a time. */
export async function checkUrls(origin: string, paths: string[], concurrency = 8): Promise<UrlResult[]> {
  const results: UrlResult[] = new Array(paths.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < paths.length; i = next++) {
      const path = paths[i]!
      const first = await request(origin, encodePath(path))
      if (first.status === 200) {
        results[i] = { path, verdict: 'kept', status: 200 }
        continue
      }
      if ([301, 308].includes(first.status) && first.location) {
        const target = new URL(first.location, origin)
        const second = target.origin === new URL(origin).origin ? await request(origin, target.pathname + target.search) : { status: 0 }
        const location = decode(target.pathname)
        if (second.status === 200) results[i] = { path, verdict: 'redirected', status: first.status, location, finalStatus: 200 }
        else results[i] = { path, verdict: 'lost', status: first.status, location, finalStatus: second.status, reason: `redirects to ${location}, which answers ${second.status}` }
        continue
      }
      results[i] = { path, verdict: 'lost', status: first.status, reason: await redirectReason(origin, path, first) ?? likelyReason(path) }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results
}

/** Builds `contentDir` into a temporary folder, serves it, and checks every URL of the old site against it. */
export async function verifyMigration(options: { contentDir: string; old: string; ref?: string; log?: (line: string) => void }): Promise<MigrationReport> {
  const paths = await oldUrls(options.old)
  const tmp = await mkdtemp(join(tmpdir(), 'kumo-verify-'))
  try {
    const publicDir = join(tmp, 'public')
    options.log?.(`building ${options.contentDir}`)
    const result = await buildToDisk({ contentDir: options.contentDir, outDir: join(tmp, 'dist'), publicDir })
    options.log?.(`serving build ${result.manifest.buildId}; requesting ${paths.length} old URLs`)
    const server = await startLocalServer(result, publicDir)
    try {
      const urls = await checkUrls(server.url, paths)
      const oldSite = (await stat(options.old)).isDirectory() ? options.old : undefined
      if (oldSite) await markAbsent(urls, oldSite)
      const totals = { urls: urls.length, kept: 0, redirected: 0, lost: 0, absent: 0 }
      for (const u of urls) totals[u.verdict]++
      const bodies: MigrationReport['bodies'] = options.ref
        ? await compareReferenceBodies(options.ref, postRecords(result))
        : oldSite
          ? await compareOldBodies(oldSite, postRecords(result))
          : { compared: false, note: 'post bodies not compared: a sitemap.xml has no HTML to compare with; give the old _site/ or --ref <folder from npm run verify:jekyll>' }
      return { old: options.old, urls, totals, bodies }
    } finally {
      await server.stop()
    }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

/** The report for people: one line per lost URL and per redirect, then one line of totals. */
export function formatReport(report: MigrationReport, options: { showRedirects?: boolean } = {}): string {
  const lines: string[] = []
  const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length))
  const width = Math.min(60, Math.max(10, ...report.urls.map((u) => u.path.length)))
  lines.push(`${pad('old URL', width)}  answer`)
  for (const u of report.urls) {
    if (u.verdict === 'kept') continue
    if (u.verdict === 'redirected' && !options.showRedirects) continue
    const answer = u.verdict === 'redirected' ? `${u.status} → ${u.location} (200)` : u.verdict === 'absent' ? `404, as before: ${u.reason}` : `LOST ${u.status}: ${u.reason}`
    lines.push(`${pad(u.path, width)}  ${answer}`)
  }
  const { urls, kept, redirected, lost, absent } = report.totals
  lines.push(report.bodies.compared ? formatOldBodies(report.bodies) : report.bodies.note)
  lines.push(`${urls} old URLs: ${kept} answer 200, ${redirected} one 301 to a 200, ${lost} lost${absent ? ` (and ${absent} the old sitemap listed that the old site did not answer either)` : ''}`)
  return lines.join('\n')
}
