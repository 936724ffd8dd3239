/**
 * Feed and discovery renderers, by record kind and format, with the media
 * type each is served as. Pure: data in, string out.
 */

import type { EntryRecord, FeedFormat, FeedView, LlmsRecord, PostMetaRecord, RobotsRecord, SiteRecord, SitemapRecord } from '../shared/schema.ts'
import { atomFeed } from './atom.ts'
import { jsonFeed } from './json-feed.ts'
import { rssFeed } from './rss.ts'
import { sitemap } from '../shared/sitemap.ts'
import { llmsFullTxt, llmsTxt, robotsTxt } from './text.ts'

export const FEED_TYPES: Record<FeedFormat, string> = {
  // JSON Feed 1.1 §"Suggestions for Publishers"; RFC 4287 §7; rssboard.org.
  json: 'application/feed+json; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
}
export const SITEMAP_TYPE = 'application/xml; charset=utf-8'
export const TEXT_TYPE = 'text/plain; charset=utf-8'
/** RFC 7763. */
export const MARKDOWN_TYPE = 'text/markdown; charset=utf-8'

const RENDERERS = { json: jsonFeed, atom: atomFeed, rss: rssFeed }

export function renderFeed(site: SiteRecord, feed: FeedView, items: EntryRecord[]): { body: string; type: string } {
  return { type: FEED_TYPES[feed.format], body: RENDERERS[feed.format](site, feed, items) }
}

/** `posts`: for llms.txt, its posts' `meta:` records in its order. */
export function renderDiscovery(site: SiteRecord, record: SitemapRecord | RobotsRecord | LlmsRecord, posts: PostMetaRecord[] = []): { body: string; type: string } {
  switch (record.kind) {
    case 'sitemap':
      return { type: SITEMAP_TYPE, body: sitemap(record) }
    case 'robots':
      return { type: TEXT_TYPE, body: robotsTxt(site, record) }
    case 'llms':
      return { type: TEXT_TYPE, body: llmsTxt(site, posts) }
  }
}

export { atomFeed, jsonFeed, rssFeed, sitemap, llmsFullTxt, llmsTxt, robotsTxt }
