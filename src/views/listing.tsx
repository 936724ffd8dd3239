/**
 * Paginated lists of posts: the home page, a tag page, a category page.
 */

import { feedPath, href, listingPath } from '../shared/paths.ts'
import type { ListingRecord, PostMeta, SiteRecord } from '../shared/schema.ts'
import { strings } from './i18n.ts'
import { Layout } from './layout.tsx'
import { TermLinks } from './post.tsx'

export function PostSummary(props: { post: PostMeta; lang: string }) {
  const { post } = props
  const t = strings(props.lang)
  return (
    <li class="summary">
      <h2>
        <a href={href(post.path)}>{post.title}</a>
      </h2>
      <p class="meta">
        {post.pinned && <span class="pin">{t.pinned} · </span>}
        <time datetime={post.date}>{post.day}</time> · {t.readingTime(post.readingMinutes)}
      </p>
      <p class="excerpt">{post.excerpt}</p>
      {post.tags.length > 0 && <TermLinks terms={post.tags} kind="tag" />}
    </li>
  )
}

export function ListingPage(props: { site: SiteRecord; listing: ListingRecord; items: PostMeta[] }) {
  const { site, listing, items } = props
  const t = strings(site.lang)
  const scope = listing.scope
  const heading = scope.type === 'home' ? undefined : scope.type === 'tag' ? t.taggedWith(scope.name) : t.inCategory(scope.name)
  const title = [heading, listing.page > 1 ? t.page(listing.page, listing.pages) : undefined].filter(Boolean).join(' · ')
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
        path: listingPath(scope, listing.page),
        jsonLd: scope.type === 'home' && listing.page === 1 ? { '@context': 'https://schema.org', '@type': 'WebSite', name: site.title, url: site.url, description: site.description } : undefined,
        feeds,
        prev: listing.prev,
        next: listing.next,
      }}
    >
      {heading && (
        <header class="listing-header">
          <h1>{heading}</h1>
          <p class="meta">{t.posts(listing.total)}</p>
        </header>
      )}
      {items.length === 0 ? <p>{t.noPosts}</p> : <ol class="summaries">{items.map((p) => <PostSummary post={p} lang={site.lang} />)}</ol>}
      {listing.pages > 1 && (
        <nav class="pagination" aria-label={t.page(listing.page, listing.pages)}>
          {listing.prev && (
            <a rel="prev" href={href(listing.prev)}>
              ← {t.newer}
            </a>
          )}
          <span>{t.page(listing.page, listing.pages)}</span>
          {listing.next && (
            <a rel="next" href={href(listing.next)}>
              {t.older} →
            </a>
          )}
        </nav>
      )}
    </Layout>
  )
}
