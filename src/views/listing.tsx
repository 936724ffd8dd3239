/**
 * Paginated lists of posts: the home page, a tag page, a category page.
 * Page links are also in the head as rel=prev/next (HTML §4.6.7.16/17).
 */

import { isSafeUrl } from '../shared/urls.ts'
import { feedPath, href, listingPath } from '../shared/paths.ts'
import type { ListingView, PostMeta, SiteRecord } from '../shared/schema.ts'
import { strings } from '../shared/i18n.ts'
import { Layout } from './layout.tsx'
import { Picture } from './picture.tsx'
import { TermLinks } from './post.tsx'

export function PostSummary(props: { post: PostMeta; lang: string }) {
  const { post } = props
  const t = strings(props.lang)
  const image = post.image && isSafeUrl(post.image.src) ? post.image : undefined
  return (
    <li class={image ? 'summary with-thumb' : 'summary'}>
      <div class="summary-text">
        <h2>
          <a href={href(post.path)}>{post.title}</a>
        </h2>
        <div class="meta">
          {post.pinned && <span class="pin">{t.pinned}</span>}
          <time datetime={post.date}>{post.day}</time>
          <span>{t.readingTime(post.readingMinutes)}</span>
          {post.categories.length > 0 && <TermLinks terms={post.categories} kind="category" />}
        </div>
        <p class="excerpt">{post.excerpt}</p>
        {post.tags.length > 0 && <TermLinks terms={post.tags} kind="tag" />}
      </div>
      {image && <Picture image={image} alt="" class="thumb" sizes="9.5rem" lazy />}
    </li>
  )
}

function Pagination(props: { listing: ListingView; lang: string }) {
  const { listing } = props
  const t = strings(props.lang)
  return (
    <nav class="pagination" aria-label={t.pagination}>
      {listing.prev ? (
        <a rel="prev" href={href(listing.prev)}>
          ← {t.newer}
        </a>
      ) : (
        <span />
      )}
      <span class="meta">{t.page(listing.page, listing.pages)}</span>
      {listing.next ? (
        <a rel="next" href={href(listing.next)}>
          {t.older} →
        </a>
      ) : (
        <span />
      )}
    </nav>
  )
}

/** A tag's or category's posts: date and title, compact as Chirpy's, so a hundred stay light. */
function CompactList(props: { items: PostMeta[] }) {
  return (
    <ul class="archive compact">
      {props.items.map((p) => (
        <li>
          <time datetime={p.date}>{p.day}</time>
          <a href={href(p.path)}>{p.title}</a>
        </li>
      ))}
    </ul>
  )
}

/** The site's search box for search engines (schema.org WebSite, SearchAction), on the first home page. */
function websiteLd(site: SiteRecord): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'WebSite',
    name: site.title,
    url: site.url,
    description: site.description,
    inLanguage: site.lang,
    potentialAction: { '@type': 'SearchAction', target: `${site.url}/search?q={query}`, 'query-input': 'required name=query' },
  }
}

/** A term's name and post count, or the site's title and description at home; the page number past the first. */
function ListingHeader(props: { site: SiteRecord; listing: ListingView; heading?: string; pageNote?: string }) {
  const { site, listing, heading, pageNote } = props
  const t = strings(site.lang)
  return heading ? (
    <header class="listing-header">
      <h1>{heading}</h1>
      <p class="meta">
        {t.posts(listing.total)}
        {pageNote && ` · ${pageNote}`}
      </p>
    </header>
  ) : (
    <header class="listing-header home-intro">
      <h1>{site.title}</h1>
      {site.description && <p>{site.description}</p>}
      {pageNote && <p class="meta">{pageNote}</p>}
    </header>
  )
}

export function ListingPage(props: { site: SiteRecord; listing: ListingView; items: PostMeta[] }) {
  const { site, listing, items } = props
  const t = strings(site.lang)
  const scope = listing.scope
  const heading = scope.type === 'home' ? undefined : scope.type === 'tag' ? t.taggedWith(scope.name) : t.inCategory(scope.name)
  const pageNote = listing.page > 1 ? t.page(listing.page, listing.pages) : undefined
  const title = [heading, pageNote].filter(Boolean).join(' · ')
  const feeds =
    scope.type === 'home'
      ? []
      : [
          { type: 'application/feed+json', href: href(feedPath(scope, 'json')), title: `${site.title}: ${scope.name}` },
          { type: 'application/atom+xml', href: href(feedPath(scope, 'atom')), title: `${site.title}: ${scope.name}` },
        ]
  return (
    <Layout
      site={site}
      head={{
        title: title || undefined,
        description: heading ? `${heading} · ${t.posts(listing.total)}` : undefined,
        path: listingPath(scope, listing.page),
        jsonLd: scope.type === 'home' && listing.page === 1 ? websiteLd(site) : undefined,
        feeds,
        prev: listing.prev,
        next: listing.next,
      }}
    >
      <ListingHeader site={site} listing={listing} heading={heading} pageNote={pageNote} />
      {items.length === 0 ? (
        <p>{t.noPosts}</p>
      ) : scope.type === 'home' ? (
        <ol class="summaries">{items.map((p) => <PostSummary post={p} lang={site.lang} />)}</ol>
      ) : (
        <CompactList items={items} />
      )}
      {listing.pages > 1 && <Pagination listing={listing} lang={site.lang} />}
    </Layout>
  )
}
