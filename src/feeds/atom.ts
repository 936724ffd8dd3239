/**
 * Atom (RFC 4287): pure, data in and a string out. Pages are linked as an
 * RFC 5005 §3 paged feed (first/previous/next/last). All pages share the
 * feed's atom:id, as pages of one logical feed.
 */

import { absoluteUrl, CATEGORIES_INDEX, TAGS_INDEX } from '../shared/paths.ts'
import type { EntryRecord, FeedView, Person, SiteRecord, Term } from '../shared/schema.ts'
import { entryAuthors, feedAuthor, feedImages, feedLinks, feedTitle, pagingLinks } from './paging.ts'
import { XML_DECLARATION, element, empty, htmlElement } from '../shared/xml.ts'

const GENERATOR = 'Kumo'

function categories(terms: Term[], scheme: string): string {
  // §4.2.2: term is the category's identity, label its human-readable name.
  return terms.map((t) => empty('category', { term: t.name, label: t.name, scheme })).join('')
}

/** §3.2 Person constructs. */
const people = (list: Person[]) => list.map((p) => `<author>${element('name', p.name)}${element('uri', p.url)}</author>`).join('')

/** Media RSS (the namespace readers look in for an entry's picture; Atom itself has no element for one). */
export const mediaImage = (url: string | undefined): string =>
  url ? `${empty('media:thumbnail', { url })}${empty('media:content', { url, medium: 'image' })}` : ''

function entry(site: SiteRecord, item: EntryRecord): string {
  const url = absoluteUrl(site.url, item.path)
  return [
    `<entry xml:lang="${item.lang.replace(/[^A-Za-z0-9-]/g, '')}">`,
    element('id', url),
    element('title', item.title, { type: 'text' }),
    empty('link', { rel: 'alternate', type: 'text/html', href: url }),
    element('published', item.date),
    // §4.2.15: updated is required; a post never edited was last updated when published.
    element('updated', item.updated ?? item.date),
    people(entryAuthors(site, item)),
    categories(item.tags, absoluteUrl(site.url, TAGS_INDEX)),
    categories(item.categories, absoluteUrl(site.url, CATEGORIES_INDEX)),
    item.summary ? element('summary', item.summary, { type: 'text' }) : '',
    // §4.1.3.3: type="html" content is escaped HTML; its URLs are already absolute (EntryRecord).
    htmlElement('content', item.html, { type: 'html', 'xml:base': url }),
    mediaImage(item.image),
    '</entry>',
  ].join('')
}

export function atomFeed(site: SiteRecord, feed: FeedView, items: EntryRecord[]): string {
  const links = feedLinks(site, feed)
  const author = feedAuthor(site)
  const images = feedImages(site)
  const parts = [
    XML_DECLARATION,
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="${site.lang.replace(/[^A-Za-z0-9-]/g, '')}">`,
    element('id', links.alternate),
    element('title', feedTitle(site, feed), { type: 'text' }),
    site.description ? element('subtitle', site.description, { type: 'text' }) : '',
    element('updated', feed.updated),
    `<author>${element('name', author.name)}${element('uri', author.url)}${element('email', author.email)}</author>`,
    empty('link', { rel: 'self', type: 'application/atom+xml', href: links.self }),
    empty('link', { rel: 'alternate', type: 'text/html', href: links.alternate }),
    pagingLinks(links, 'link'),
    links.hub ? empty('link', { rel: 'hub', href: links.hub }) : '',
    element('generator', GENERATOR),
    // §4.2.5 icon: small and square; §4.2.8 logo: larger, 2:1.
    element('icon', images.favicon),
    element('logo', images.logo),
    ...items.map((item) => entry(site, item)),
    '</feed>\n',
  ]
  return parts.join('')
}
