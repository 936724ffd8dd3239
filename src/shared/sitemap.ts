/**
 * /sitemap.xml (sitemaps.org protocol 0.9): a urlset, or a sitemap index over
 * its parts once it passes 50,000 URLs. The elements are rendered by the build
 * (`sitemapBody`) and wrapped per request (`sitemap`); both pure. URLs are
 * percent-encoded by `absoluteUrl` and entity-escaped, as the protocol asks.
 */

import { absoluteUrl } from './paths.ts'
import type { SitemapRecord, SitemapUrl } from './schema.ts'
import { XML_DECLARATION, element } from './xml.ts'

const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'

/** The `<url>`/`<sitemap>` elements of one sitemap file, one a line. */
export function sitemapBody(siteUrl: string, type: SitemapRecord['type'], urls: SitemapUrl[]): string {
  const child = type === 'index' ? 'sitemap' : 'url'
  return urls.map((u) => `<${child}>${element('loc', absoluteUrl(siteUrl, u.path))}${element('lastmod', u.lastmod)}</${child}>`).join('\n')
}

export function sitemap(record: SitemapRecord): string {
  const root = record.type === 'index' ? 'sitemapindex' : 'urlset'
  return `${XML_DECLARATION}<${root} xmlns="${NS}">\n${record.body}\n</${root}>\n`
}
