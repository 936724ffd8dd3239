/**
 * Links between the pages of a paginated feed, shared by the renderers:
 * RFC 5005 §3 ("Paged Feeds") names them first, previous, next and last.
 */

import { absoluteUrl, feedPath, scopePath } from '../shared/paths.ts'
import type { EntryRecord, FeedView, Person, SiteRecord } from '../shared/schema.ts'
import { empty } from '../shared/xml.ts'

export interface FeedLinks {
  /** This page. */
  self: string
  /** The HTML page the feed mirrors (home, a tag or a category). */
  alternate: string
  /** The first page: the feed's identity across its pages. */
  first: string
  last: string
  previous?: string
  next?: string
  /** The WebSub hub that site.yml names (W3C WebSub §4: rel="hub" beside rel="self"). */
  hub?: string
}

export function feedLinks(site: SiteRecord, feed: FeedView): FeedLinks {
  const at = (page: number) => absoluteUrl(site.url, feedPath(feed.scope, feed.format, page))
  return {
    self: absoluteUrl(site.url, feed.self),
    alternate: absoluteUrl(site.url, scopePath(feed.scope)),
    first: at(1),
    last: at(feed.pages),
    ...(feed.page > 1 ? { previous: at(feed.page - 1) } : {}),
    ...(feed.next ? { next: absoluteUrl(site.url, feed.next) } : {}),
    ...(site.hub ? { hub: site.hub } : {}),
  }
}

/** An entry's authors: its post's own, else the site's (every entry names one, so no reader shows a blank byline). */
export const entryAuthors = (site: SiteRecord, item: EntryRecord): Person[] => {
  if (item.authors?.length) return item.authors
  const { name, url } = feedAuthor(site)
  return [{ name, ...(url ? { url } : {}) }]
}

/**
 * The site's pictures for readers: the small square icon (site.yml `favicon`,
 * else Kumo's) and the owner's larger picture (`avatar`), as absolute URLs.
 */
export function feedImages(site: SiteRecord): { favicon?: string; logo?: string } {
  const favicon = site.favicon ?? site.assets.favicon
  return {
    ...(favicon ? { favicon: absoluteUrl(site.url, favicon) } : {}),
    ...(site.avatar ? { logo: absoluteUrl(site.url, site.avatar) } : {}),
  }
}

/** A feed's title: the site's, with the tag or category after it. */
export const feedTitle = (site: SiteRecord, feed: FeedView): string =>
  feed.scope.type === 'home' ? site.title : `${site.title}: ${feed.scope.name}`

/** The feed's author: the site's, else its title (Atom requires a name, RFC 4287 §4.2.1). */
export const feedAuthor = (site: SiteRecord) => ({
  name: site.author.name || site.title,
  ...(site.author.url ? { url: site.author.url } : {}),
  ...(site.author.email ? { email: site.author.email } : {}),
})

/** RFC 5005 §3 paging links as Atom link elements (`link` in Atom, `atom:link` in RSS). */
export function pagingLinks(links: FeedLinks, tag: 'link' | 'atom:link'): string {
  return (['first', 'previous', 'next', 'last'] as const)
    .map((rel) => (links[rel] ? empty(tag, { rel, href: links[rel] }) : ''))
    .join('')
}
