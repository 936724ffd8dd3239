/**
 * A request's path against the manifest: decoded, resolved to the one
 * canonical path a near-miss redirects to, and turned into a Location that
 * can only point at this site.
 */

import { HttpError } from '../errors.ts'
import type { ManifestIndex } from '../shared/manifest-codec.ts'
import { SEARCH, href } from '../shared/paths.ts'
import { routeAt } from './resolve.ts'

/** Decodes each path segment; a path that is not valid UTF-8 percent-encoding names nothing here. */
export function decodePath(pathname: string): string {
  try {
    // NFC, as the build writes every path (routes-owner.ts): an NFD spelling (a macOS-typed URL) reaches the same page.
    return pathname
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/')
      .normalize('NFC')
  } catch {
    throw new HttpError('not-found', 'undecodable path')
  }
}

const asciiLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase())

/** Pages the worker answers that are not manifest routes: a redirect may lead there. */
const WORKER_PAGES = new Set([SEARCH])

/**
 * A redirect target the static assets serve (a folder's `/doc/index.html`, a
 * file the old site had): a path with an extension that no route claims at
 * any time, so a scheduled post's page is never mistaken for one.
 */
function isStaticFile(manifest: ManifestIndex, path: string): boolean {
  if (!/\.[A-Za-z0-9]+$/.test(path) || manifest.route(path) !== undefined) return false
  return !manifest.schedule.some((step) => Object.hasOwn(step.routes, path))
}

/**
 * The one canonical path a near-miss should redirect to (RFC 9110 §15.4.2):
 * repeated slashes, `redirect_from`, a missing trailing slash, `index.html`,
 * or ASCII case.
 */
export function canonicalFor(manifest: ManifestIndex, path: string, now: number): string | undefined {
  // `//2022/…`: what a Jekyll site whose `url` ends in `/` listed in its sitemap and feeds
  // (site.url + page.url), and GitHub Pages served as the one-slash path. One 301, to where that leads.
  // (A static file at such a path never reaches the worker: Workers Static Assets answers it with a 307.)
  const merged = path.replace(/\/{2,}/g, '/')
  if (merged !== path) return routeAt(manifest, merged, now) !== undefined ? merged : canonicalFor(manifest, merged, now)
  const exists = (p: string) => routeAt(manifest, p, now) !== undefined
  const redirect = manifest.redirect(path) ?? manifest.redirect(path.endsWith('/') ? path.slice(0, -1) : `${path}/`)
  if (redirect && (exists(redirect) || WORKER_PAGES.has(redirect) || isStaticFile(manifest, redirect))) return redirect
  const candidates = [
    path.endsWith('/') ? undefined : `${path}/`,
    path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : undefined,
  ].filter((p): p is string => p !== undefined)
  for (const c of [...candidates, ...candidates.map(asciiLower), asciiLower(path)]) {
    if (c !== path && exists(c)) return c
  }
  return undefined
}

/**
 * A Location for a redirect that can only point at this site: a path-absolute
 * reference (RFC 3986 §4.2) that no client can read as a network path
 * (`//host`) or, after WHATWG URL backslash handling, as `/\\host`.
 * Manifest keys never look like that; the check makes sure of it.
 */
export function sameSiteLocation(path: string, search: string): string {
  const location = href(path)
  if (!location.startsWith('/') || location.startsWith('//') || location.includes('\\')) {
    throw new HttpError('not-found', `refusing a redirect to ${JSON.stringify(location.slice(0, 80))}`)
  }
  // The query is kept (a campaign tag, a page number) but may not carry line breaks into the header.
  return location + (search.length <= 2048 ? search.replace(/[\r\n]/g, '') : '')
}
