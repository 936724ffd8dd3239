/**
 * A post page: breadcrumbs, title, byline, published and updated dates in the
 * site timezone, reading time, taxonomy links, cover image, table of contents,
 * the body, licence, share links (plain links to each service's share URL: no
 * script, no third-party request until the reader clicks), previous/next and
 * related posts, and the comment thread when site.yml configures one. On wide
 * screens the table of contents sits in a sticky side column (CSS grid; no script).
 */

import { raw } from 'hono/html'
import { categoryPath, href, markdownPath, tagPath } from '../shared/paths.ts'
import { isSafeUrl } from '../shared/urls.ts'
import type { ImageRef, PostView, SiteRecord, Term, TocEntry } from '../shared/schema.ts'
import { strings, type Strings } from '../shared/i18n.ts'
import { Layout, License, absolute } from './layout.tsx'
import { Comments } from './comments.tsx'
import { Picture } from './picture.tsx'
import { ShareLinks } from './share.tsx'

export function TermLinks(props: { terms: Term[]; kind: 'tag' | 'category' }) {
  const path = props.kind === 'tag' ? tagPath : categoryPath
  return (
    <ul class={props.kind === 'tag' ? 'terms tags' : 'terms categories'}>
      {props.terms.map((t) => (
        <li>
          <a href={href(path(t.slug))} rel={props.kind === 'tag' ? 'tag' : undefined}>
            {t.name}
          </a>
        </li>
      ))}
    </ul>
  )
}

function Toc(props: { toc: TocEntry[]; label: string }) {
  // h2 and h3 only: deeper levels make the list longer than it helps.
  const entries = props.toc.filter((h) => h.depth <= 3)
  const top = entries.reduce((min, h) => Math.min(min, h.depth), Infinity)
  return (
    <nav class="toc" aria-labelledby="toc-title">
      <h2 id="toc-title">{props.label}</h2>
      <ol>
        {entries.map((h) => (
          <li class={h.depth > top ? 'sub' : undefined}>
            <a href={`#${encodeURIComponent(h.id)}`}>{h.text}</a>
          </li>
        ))}
      </ol>
    </nav>
  )
}

function jsonLd(site: SiteRecord, post: PostView, image: ImageRef | undefined): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'BlogPosting',
    headline: post.title,
    description: post.description,
    datePublished: post.date,
    dateModified: post.updated ?? post.date,
    url: absolute(site, post.path),
    mainEntityOfPage: absolute(site, post.path),
    author: { '@type': 'Person', name: site.author.name, ...(site.author.url ? { url: site.author.url } : {}) },
    publisher: { '@type': 'Organization', name: site.title, url: site.url },
    inLanguage: post.lang,
    keywords: post.tags.map((tag) => tag.name).join(', '),
    ...(post.categories.length ? { articleSection: post.categories.map((c) => c.name).join(', ') } : {}),
    ...(image ? { image: absolute(site, image.src) } : {}),
  }
}

function Breadcrumbs(props: { post: PostView; t: Strings }) {
  const { post, t } = props
  const category = post.categories[0]
  return (
    <nav class="breadcrumbs" aria-label={t.breadcrumb}>
      <ol>
        <li>
          <a href="/">{t.home}</a>
        </li>
        {category && (
          <li>
            <a href={href(categoryPath(category.slug))}>{category.name}</a>
          </li>
        )}
        <li aria-current="page">{post.title}</li>
      </ol>
    </nav>
  )
}

/** What the parts of a post page are made from: the site, the post, and the site language's strings. */
type PostParts = { site: SiteRecord; post: PostView; t: Strings }

/** Breadcrumbs, categories, the title and subtitle, byline, dates and reading time. */
function PostHeader({ site, post, t }: PostParts) {
  return (
    <header class="post-header">
      <Breadcrumbs post={post} t={t} />
      {post.categories.length > 0 && <TermLinks terms={post.categories} kind="category" />}
      <h1>{post.title}</h1>
      {post.subtitle && <p class="subtitle">{post.subtitle}</p>}
      <p class="meta">
        {site.author.name && (
          <span class="byline">
            {t.by}{' '}
            {site.author.url ? (
              <a rel="author" href={site.author.url}>
                {site.author.name}
              </a>
            ) : (
              site.author.name
            )}
          </span>
        )}
        <span>
          {t.published} <time datetime={post.date}>{post.day}</time>
        </span>
        {post.updatedDay && post.updatedDay !== post.day && (
          <span>
            {t.updated} <time datetime={post.updated}>{post.updatedDay}</time>
          </span>
        )}
        <span>{t.readingTime(post.readingMinutes)}</span>
      </p>
    </header>
  )
}

/** Tags, licence, share links, previous/next and related posts. */
function PostFooter({ site, post, t }: PostParts) {
  return (
    <footer class="post-footer">
      {post.tags.length > 0 && <TermLinks terms={post.tags} kind="tag" />}
      {site.license && (
        <p class="post-license">
          {t.postLicense} <License license={site.license} />
          {t.postLicenseEnd}
        </p>
      )}
      <ShareLinks url={absolute(site, post.path)} title={post.title} t={t} lang={site.lang} />
      {(post.prev || post.next) && (
        <nav class="prev-next" aria-label={`${t.prevPost} / ${t.nextPost}`}>
          {post.prev && (
            <a class="prev" rel="prev" href={href(post.prev.path)}>
              <span>← {t.prevPost}</span> {post.prev.title}
            </a>
          )}
          {post.next && (
            <a class="next" rel="next" href={href(post.next.path)}>
              <span>{t.nextPost} →</span> {post.next.title}
            </a>
          )}
        </nav>
      )}
      {post.related.length > 0 && (
        <section class="related" aria-labelledby="related-title">
          <h2 id="related-title">{t.related}</h2>
          <ul>
            {post.related.slice(0, 5).map((r) => (
              <li>
                <a href={href(r.path)}>{r.title}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </footer>
  )
}

export function PostPage(props: { site: SiteRecord; post: PostView }) {
  const { site, post } = props
  const t = strings(site.lang)
  const hasToc = post.toc.some((h) => h.depth <= 3)
  // A cover whose URL is not http(s) or a path is dropped, never emitted (see src/shared/urls.ts).
  const image = post.image && isSafeUrl(post.image.src) ? post.image : undefined
  return (
    <Layout
      site={site}
      wide={hasToc}
      head={{
        title: post.title,
        description: post.description,
        path: post.path,
        type: 'article',
        image: image?.src,
        imageAlt: image?.alt,
        publishedTime: post.date,
        modifiedTime: post.updated,
        tags: post.tags.map((tag) => tag.name),
        jsonLd: jsonLd(site, post, image),
        // The post's Markdown for machine readers (scripts/pipeline/machine-readers.ts).
        feeds: [{ type: 'text/markdown', href: href(markdownPath(post.path)), title: post.title }],
      }}
    >
      <article class={hasToc ? 'post has-toc' : 'post'} lang={post.lang !== site.lang ? post.lang : undefined}>
        <PostHeader site={site} post={post} t={t} />
        {image && (
          <figure class="cover">
            {/* Usually the page's largest paint: fetched first, never lazily (web.dev "Optimize LCP"). */}
            <Picture image={image} alt={image.alt} sizes="(min-width: 46rem) 43.5rem, calc(100vw - 2.5rem)" priority />
          </figure>
        )}
        {hasToc && <Toc toc={post.toc} label={t.toc} />}
        <div class="content">{raw(post.html)}</div>
        <PostFooter site={site} post={post} t={t} />
        {site.comments && <Comments comments={site.comments} url={absolute(site, post.path)} path={href(post.path)} lang={post.lang} t={t} />}
      </article>
    </Layout>
  )
}
