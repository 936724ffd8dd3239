/**
 * RSS 2.0 (https://www.rssboard.org/rss-specification): pure, data in and a
 * string out. The channel names itself with `atom:link rel="self"`, as the
 * RSS Advisory Board's best practices ask, and carries RFC 5005 paging links
 * the same way. Full HTML goes in `content:encoded` (RSS content module);
 * `description` holds the summary.
 */

import { absoluteUrl } from '../shared/paths.ts'
import type { EntryRecord, FeedView, SiteRecord } from '../shared/schema.ts'
import { mediaImage } from './atom.ts'
import { entryAuthors, feedImages, feedLinks, feedTitle, pagingLinks } from './paging.ts'
import { XML_DECLARATION, element, empty, htmlElement, rfc822, xml } from '../shared/xml.ts'

function item(site: SiteRecord, entry: EntryRecord): string {
  const url = absoluteUrl(site.url, entry.path)
  return [
    '<item>',
    element('title', entry.title),
    element('link', url),
    element('guid', url, { isPermaLink: 'true' }),
    element('pubDate', rfc822(entry.date)),
    // RSS readers read description as HTML: the plain-text summary is HTML-escaped, then XML-escaped
    // (the two escapes are the same five characters).
    element('description', xml(entry.summary || entry.title)),
    htmlElement('content:encoded', entry.html),
    // RSS's own <author> must be an email address; Dublin Core's creator takes a name.
    ...entryAuthors(site, entry).map((a) => element('dc:creator', a.name)),
    mediaImage(entry.image),
    ...[...entry.categories, ...entry.tags].map((t) => element('category', t.name)),
    '</item>',
  ].join('')
}

export function rssFeed(site: SiteRecord, feed: FeedView, items: EntryRecord[]): string {
  const links = feedLinks(site, feed)
  const images = feedImages(site)
  return [
    XML_DECLARATION,
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">',
    '<channel>',
    element('title', feedTitle(site, feed)),
    element('link', links.alternate),
    // description is required; a site without one describes itself by its title.
    element('description', xml(site.description || site.title)),
    element('language', site.lang),
    element('lastBuildDate', rfc822(feed.updated)),
    element('generator', 'Kumo'),
    empty('atom:link', { rel: 'self', type: 'application/rss+xml', href: links.self }),
    pagingLinks(links, 'atom:link'),
    links.hub ? empty('atom:link', { rel: 'hub', href: links.hub }) : '',
    // The channel's picture (RSS 2.0 <image>): the owner's, when site.yml gives one.
    images.logo ? `<image>${element('url', images.logo)}${element('title', feedTitle(site, feed))}${element('link', links.alternate)}</image>` : '',
    ...items.map((entry) => item(site, entry)),
    '</channel>',
    '</rss>\n',
  ].join('')
}
