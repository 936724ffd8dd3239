/**
 * Stage "assemble", the part for crawlers: the records behind /sitemap.xml
 * (split under a sitemap index past 50,000 URLs, as sitemaps.org requires),
 * /robots.txt and /llms.txt. (Not the discover stage, which finds the source
 * files: sources.ts.) They are made from the routes assembled before
 * them, so they list exactly the pages this epoch serves: a scheduled post
 * appears in them when it appears anywhere.
 */

import { SCHEMA_VERSION, metaRecord } from '../../src/shared/keys.ts'
import { LLMS, ROBOTS, SITEMAP, sitemapPartPath } from '../../src/shared/paths.ts'
import { sitemapBody } from '../../src/shared/sitemap.ts'
import type { LlmsRecord, RobotsRecord, SitemapRecord, SitemapUrl } from '../../src/shared/schema.ts'
import type { RouteOut } from './assemble.ts'
import type { Post } from './posts.ts'

/** sitemaps.org protocol 0.9: at most 50,000 URLs per sitemap file. */
export const SITEMAP_LIMIT = 50_000

type Url = SitemapUrl

/** W3C Datetime (the sitemap lastmod format) of epoch seconds, in UTC. */
const w3c = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

/** Every HTML page of the site with its lastmod: posts with their own offset, others from Last-Modified. */
function pageUrls(routes: Map<string, RouteOut>): Url[] {
  const urls: Url[] = []
  for (const [path, { record, lastModified }] of routes) {
    if (record.kind === 'post') urls.push({ path, lastmod: record.updated ?? record.date })
    else if (['listing-scope', 'page', 'terms', 'archives'].includes(record.kind)) urls.push(lastModified > 0 ? { path, lastmod: w3c(lastModified) } : { path })
  }
  return urls
}

const newestOf = (routes: RouteOut[]) => Math.max(0, ...routes.map((r) => r.lastModified))

/** The sitemap as one urlset, or past `limit` URLs an index at /sitemap.xml over parts at /sitemaps/N.xml. */
export function sitemapRoutes(siteUrl: string, urls: Url[], modified: Map<string, number>, limit = SITEMAP_LIMIT): Map<string, RouteOut> {
  const out = new Map<string, RouteOut>()
  const lastOf = (part: Url[]) => part.reduce((n, u) => Math.max(n, modified.get(u.path) ?? 0), 0)
  const urlset = (part: Url[]): RouteOut => ({
    record: { kind: 'sitemap', v: SCHEMA_VERSION, type: 'urlset', body: sitemapBody(siteUrl, 'urlset', part) },
    deps: [],
    lastModified: lastOf(part),
  })
  if (urls.length <= limit) {
    out.set(SITEMAP, urlset(urls))
    return out
  }
  const index: Url[] = []
  for (let i = 0; i * limit < urls.length; i++) {
    const path = sitemapPartPath(i + 1)
    const part = urlset(urls.slice(i * limit, (i + 1) * limit))
    out.set(path, part)
    index.push(part.lastModified > 0 ? { path, lastmod: w3c(part.lastModified) } : { path })
  }
  const record: SitemapRecord = { kind: 'sitemap', v: SCHEMA_VERSION, type: 'index', body: sitemapBody(siteUrl, 'index', index) }
  // The index names its parts only by path; their records are deps so its ETag follows their lastmod.
  out.set(SITEMAP, { record, deps: [...out.keys()], lastModified: newestOf([...out.values()]) })
  return out
}

/** /sitemap.xml (and parts), /robots.txt naming it, and /llms.txt listing every post, newest first. */
export function crawlerRoutes(siteUrl: string, routes: Map<string, RouteOut>, sorted: Post[], sitemapLimit?: number): Map<string, RouteOut> {
  const modified = new Map([...routes].map(([path, r]) => [path, r.lastModified]))
  const out = sitemapRoutes(siteUrl, pageUrls(routes), modified, sitemapLimit)
  const newest = newestOf([...routes.values()])
  const robots: RobotsRecord = { kind: 'robots', v: SCHEMA_VERSION, sitemap: SITEMAP }
  out.set(ROBOTS, { record: robots, deps: [], lastModified: newest })
  const llms: LlmsRecord = { kind: 'llms', v: SCHEMA_VERSION, posts: sorted.map((p) => p.path) }
  out.set(LLMS, { record: llms, deps: llms.posts.map(metaRecord), lastModified: newest })
  return out
}
