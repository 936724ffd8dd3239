/**
 * /sitemap.xml (sitemaps.org protocol 0.9): a urlset, or a sitemap index over
 * its parts once it passes 50,000 URLs. Pure: data in, string out. URLs are
 * percent-encoded by `absoluteUrl` and entity-escaped, as the protocol asks.
 */

import { absoluteUrl } from '../shared/paths.ts'
import type { SiteRecord, SitemapRecord } from '../shared/schema.ts'
import { XML_DECLARATION, element } from './xml.ts'

const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'

export function sitemap(site: SiteRecord, record: SitemapRecord): string {
  const [root, child] = record.type === 'index' ? ['sitemapindex', 'sitemap'] : ['urlset', 'url']
  const entries = record.urls.map((u) => `<${child}>${element('loc', absoluteUrl(site.url, u.path))}${element('lastmod', u.lastmod)}</${child}>`)
  return `${XML_DECLARATION}<${root} xmlns="${NS}">\n${entries.join('\n')}\n</${root}>\n`
}
