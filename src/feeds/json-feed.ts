/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): pure, data in and a
 * string out. Pages are chained with `next_url`, as the spec's pagination
 * section describes; `feed_url` is the first page on every page, since the
 * spec makes it the feed's unique identifier.
 */

import { JSON_STRING_LIMIT, summaryHtml } from '../shared/feed-summary.ts'
import { absoluteUrl, feedPath } from '../shared/paths.ts'
import type { EntryRecord, FeedView, SiteRecord } from '../shared/schema.ts'
import { entryAuthors, feedAuthor, feedImages, feedLinks, feedTitle } from './paging.ts'

export function jsonFeed(site: SiteRecord, feed: FeedView, items: EntryRecord[]): string {
  const links = feedLinks(site, feed)
  const { name, url } = feedAuthor(site)
  const author = { name, ...(url ? { url } : {}) }
  const { favicon, logo } = feedImages(site)
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feedTitle(site, feed),
    home_page_url: links.alternate,
    feed_url: absoluteUrl(site.url, feedPath(feed.scope, 'json', 1)),
    ...(site.description ? { description: site.description } : {}),
    // `icon` is the large picture (512×512 suggested), `favicon` the small one.
    ...(logo ? { icon: logo } : {}),
    ...(favicon ? { favicon } : {}),
    ...(links.next ? { next_url: links.next } : {}),
    // JSON Feed 1.1 "hubs": endpoints for real-time notification (WebSub).
    ...(links.hub ? { hubs: [{ type: 'WebSub', url: links.hub }] } : {}),
    authors: [author],
    // JSON Feed 1.0's `author`, kept for readers that predate 1.1.
    author,
    language: site.lang,
    items: items.map((item) => ({
      id: absoluteUrl(site.url, item.path),
      url: absoluteUrl(site.url, item.path),
      title: item.title,
      // URLs already absolute (EntryRecord), since JSON Feed gives content no base URL.
      content_html: item.html.length < JSON_STRING_LIMIT ? item.html : summaryHtml(item, absoluteUrl(site.url, item.path)),
      ...(item.summary ? { summary: item.summary } : {}),
      ...(item.image ? { image: item.image } : {}),
      authors: entryAuthors(site, item),
      date_published: item.date,
      date_modified: item.updated ?? item.date,
      tags: [...item.categories, ...item.tags].map((t) => t.name),
      language: item.lang,
    })),
  }
  return JSON.stringify(doc)
}
