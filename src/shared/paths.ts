/**
 * URL paths of every page kind, shared by the build (which writes routes) and
 * the views (which link to them). Paths are kept decoded; `href()` encodes them.
 */

import type { ListingScope } from './schema.ts'

export const TAGS_INDEX = '/tags/'
export const CATEGORIES_INDEX = '/categories/'
export const ARCHIVES = '/archives/'
export const SITEMAP = '/sitemap.xml'
export const ROBOTS = '/robots.txt'
/** The search page, answered by the worker itself (src/routes/search.ts), not a built route. */
export const SEARCH = '/search'
export const LLMS = '/llms.txt'

/** `/llms-full.txt`, then `/llms-full/page/2.txt`…: every post's full text, in pages bounded in size. */
export const llmsFullPath = (page = 1): string => (page <= 1 ? '/llms-full.txt' : `/llms-full/page/${page}.txt`)

/**
 * Where a post's Markdown lives: beside its page, so relative links in it
 * resolve as they do on the page. `/2025/01/x/` → `/2025/01/x/index.md`;
 * Jekyll's `/2019/03/07/x.html` → `/2019/03/07/x.md`.
 */
export function markdownPath(postPath: string): string {
  if (postPath.endsWith('/')) return `${postPath}index.md`
  return /\.html?$/i.test(postPath) ? postPath.replace(/\.html?$/i, '.md') : `${postPath}.md`
}

/** Part n of a sitemap split by the 50,000-URL limit, listed from the sitemap index at /sitemap.xml. */
export const sitemapPartPath = (n: number): string => `/sitemaps/${n}.xml`

export const tagPath = (slug: string): string => `/tags/${slug}/`
export const categoryPath = (slug: string): string => `/categories/${slug}/`

/** First page of a listing. */
export function scopePath(scope: ListingScope): string {
  if (scope.type === 'home') return '/'
  return scope.type === 'tag' ? tagPath(scope.slug) : categoryPath(scope.slug)
}

/** Page n of a listing, Jekyll-paginate style: `/`, `/page/2/`, `/tags/ai/page/2/`. */
export function listingPath(scope: ListingScope, page: number): string {
  const base = scopePath(scope)
  return page <= 1 ? base : `${base}page/${page}/`
}

const FEED_EXT = { json: 'json', atom: 'xml', rss: 'xml' } as const

/**
 * Feed page paths. The first pages sit where jekyll-feed and common readers
 * look (`/feed.json`, `/feed.xml`, `/rss.xml`); later pages follow.
 */
export function feedPath(scope: ListingScope, format: 'json' | 'atom' | 'rss', page = 1): string {
  const base = scopePath(scope)
  const name = format === 'rss' ? 'rss' : 'feed'
  const ext = FEED_EXT[format]
  return page <= 1 ? `${base}${name}.${ext}` : `${base}${name}/page/${page}.${ext}`
}

/** Whether a path is a page of a feed (any scope, any format): what `feedPath` makes. */
export const isFeedPath = (path: string): boolean => /\/(feed(\/page\/[1-9][0-9]*)?\.(xml|json)|rss(\/page\/[1-9][0-9]*)?\.xml)$/.test(path)

// Characters encodeURIComponent leaves alone, and `/`.
const URL_SAFE = /^[A-Za-z0-9\-_.!~*'()/]*$/

/** Percent-encodes a decoded path for use in href and Location, keeping `/`. */
export function href(path: string): string {
  // The common case, an ASCII slug, is already what encodeURIComponent would give.
  if (URL_SAFE.test(path)) return path
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/')
}

/**
 * An absolute URL on the site for a decoded path; http(s) URLs pass through.
 * Any other scheme (`javascript:`, `data:`) is treated as a path and encoded,
 * so it can never become a live URL.
 */
export function absoluteUrl(siteUrl: string, path: string): string {
  return /^https?:\/\//i.test(path) ? path : `${siteUrl}${href(path)}`
}

/**
 * Machine-read paths: feeds, sitemaps, robots.txt, llms.txt, posts' Markdown and the API. They
 * get the feed cache policy, CORS and a CSP that forbids rendering them as pages.
 */
export function isDataPath(pathname: string): boolean {
  return /\.(json|xml|txt|md)$/i.test(pathname) || /^\/api(\/|$)/i.test(pathname)
}
