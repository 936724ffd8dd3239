/**
 * Links between the pages of a paginated feed, shared by the renderers:
 * RFC 5005 §3 ("Paged Feeds") names them first, previous, next and last.
 */

import { absoluteUrl, feedPath, scopePath } from '../shared/paths.ts'
import type { FeedRecord, SiteRecord } from '../shared/schema.ts'
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
}

export function feedLinks(site: SiteRecord, feed: FeedRecord): FeedLinks {
  const at = (page: number) => absoluteUrl(site.url, feedPath(feed.scope, feed.format, page))
  return {
    self: absoluteUrl(site.url, feed.self),
    alternate: absoluteUrl(site.url, scopePath(feed.scope)),
    first: at(1),
    last: at(feed.pages),
    ...(feed.page > 1 ? { previous: at(feed.page - 1) } : {}),
    ...(feed.next ? { next: absoluteUrl(site.url, feed.next) } : {}),
  }
}

/** A feed's title: the site's, with the tag or category after it. */
export const feedTitle = (site: SiteRecord, feed: FeedRecord): string =>
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
