/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): pure, data in and a
 * string out. Pages are chained with `next_url`, as the spec's pagination
 * section describes.
 */

import { absoluteUrl, scopePath } from '../shared/paths.ts'
import type { FeedRecord, PostBodyRecord, SiteRecord } from '../shared/schema.ts'

const absolute = (site: SiteRecord, path: string) => absoluteUrl(site.url, path)

export function jsonFeed(site: SiteRecord, feed: FeedRecord, items: PostBodyRecord[]): string {
  const author = { name: site.author.name || site.title, ...(site.author.url ? { url: site.author.url } : {}) }
  const scopeTitle = feed.scope.type === 'home' ? site.title : `${site.title}: ${feed.scope.name}`
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: scopeTitle,
    home_page_url: absolute(site, scopePath(feed.scope)),
    feed_url: absolute(site, feed.self),
    ...(site.description ? { description: site.description } : {}),
    ...(site.assets.favicon ? { favicon: absolute(site, site.assets.favicon) } : {}),
    ...(feed.next ? { next_url: absolute(site, feed.next) } : {}),
    authors: [author],
    // JSON Feed 1.0's `author`, kept for readers that predate 1.1.
    author,
    language: site.lang,
    items: items.map((post) => ({
      id: absolute(site, post.path),
      url: absolute(site, post.path),
      title: post.title,
      content_html: post.html,
      summary: post.description,
      ...(post.image ? { image: absolute(site, post.image.src) } : {}),
      date_published: post.date,
      date_modified: post.updated ?? post.date,
      tags: [...post.categories, ...post.tags].map((t) => t.name),
      language: post.lang,
    })),
  }
  return JSON.stringify(doc)
}
