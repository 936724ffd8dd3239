/**
 * A post page: title, dates in the site timezone, reading time, taxonomy links,
 * cover image, table of contents, the body, previous/next and related posts.
 */

import { raw } from 'hono/html'
import { categoryPath, href, tagPath } from '../shared/paths.ts'
import type { PostRecord, SiteRecord, Term } from '../shared/schema.ts'
import { isSafeUrl } from '../security/urls.ts'
import { strings } from './i18n.ts'
import { Layout, absolute } from './layout.tsx'

export function TermLinks(props: { terms: Term[]; kind: 'tag' | 'category' }) {
  const path = props.kind === 'tag' ? tagPath : categoryPath
  return (
    <ul class={`terms ${props.kind}s`}>
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

export function PostPage(props: { site: SiteRecord; post: PostRecord }) {
  const { site, post } = props
  const t = strings(site.lang)
  // A cover whose URL is not http(s) or a path is dropped, never emitted (see src/security/urls.ts).
  const image = post.image && isSafeUrl(post.image.src) ? post.image : undefined
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'BlogPosting',
    headline: post.title,
    description: post.description,
    datePublished: post.date,
    dateModified: post.updated ?? post.date,
    url: absolute(site, post.path),
    mainEntityOfPage: absolute(site, post.path),
    author: { '@type': 'Person', name: site.author.name },
    inLanguage: post.lang,
    keywords: post.tags.map((tag) => tag.name).join(', '),
    ...(image ? { image: absolute(site, image.src) } : {}),
  }
  return (
    <Layout
      site={site}
      head={{
        title: post.title,
        description: post.description,
        path: post.path,
        type: 'article',
        image: image?.src,
        publishedTime: post.date,
        modifiedTime: post.updated,
        jsonLd,
      }}
    >
      <article class="post" lang={post.lang !== site.lang ? post.lang : undefined}>
        <header>
          <h1>{post.title}</h1>
          <p class="meta">
            <time datetime={post.date}>{post.day}</time>
            {post.updatedDay && post.updatedDay !== post.day && (
              <>
                {' · '}
                {t.updated} <time datetime={post.updated}>{post.updatedDay}</time>
              </>
            )}
            {' · '}
            {t.readingTime(post.readingMinutes)}
          </p>
          {post.categories.length > 0 && <TermLinks terms={post.categories} kind="category" />}
          {post.tags.length > 0 && <TermLinks terms={post.tags} kind="tag" />}
        </header>
        {image && (
          <figure class="cover">
            <img src={image.src} alt={image.alt} loading="lazy" decoding="async" />
          </figure>
        )}
        {post.toc.length > 0 && (
          <nav class="toc" aria-label={t.toc}>
            <details open>
              <summary>{t.toc}</summary>
              <ol>
                {post.toc
                  .filter((h) => h.depth <= 3)
                  .map((h) => (
                    <li class={`depth-${h.depth}`}>
                      <a href={`#${encodeURIComponent(h.id)}`}>{h.text}</a>
                    </li>
                  ))}
              </ol>
            </details>
          </nav>
        )}
        <div class="content">{raw(post.html)}</div>
        <footer>
          <nav class="prev-next" aria-label={`${t.prevPost} / ${t.nextPost}`}>
            {post.prev && (
              <a rel="prev" href={href(post.prev.path)}>
                <span>{t.prevPost}</span> {post.prev.title}
              </a>
            )}
            {post.next && (
              <a rel="next" href={href(post.next.path)}>
                <span>{t.nextPost}</span> {post.next.title}
              </a>
            )}
          </nav>
          {post.related.length > 0 && (
            <section class="related">
              <h2>{t.related}</h2>
              <ul>
                {post.related.map((r) => (
                  <li>
                    <a href={href(r.path)}>{r.title}</a>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </footer>
      </article>
    </Layout>
  )
}
