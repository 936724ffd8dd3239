/**
 * The remaining page kinds: tags and categories indexes, archives, standalone
 * pages (About), and the error pages (404, 405, 503).
 */

import { raw } from 'hono/html'
import type { ErrorCode } from '../errors.ts'
import { ARCHIVES, categoryPath, href, tagPath } from '../shared/paths.ts'
import type { ArchivesRecord, PageRecord, SiteRecord, TermsRecord } from '../shared/schema.ts'
import { strings } from './i18n.ts'
import { Layout } from './layout.tsx'

export function TermsPage(props: { site: SiteRecord; record: TermsRecord; path: string }) {
  const { site, record } = props
  const t = strings(site.lang)
  const title = record.taxonomy === 'tag' ? t.tags : t.categories
  const path = record.taxonomy === 'tag' ? tagPath : categoryPath
  return (
    <Layout site={site} head={{ title, path: props.path }}>
      <h1>{title}</h1>
      <ul class="term-index">
        {record.terms.map((term) => (
          <li>
            <a href={href(path(term.slug))}>{term.name}</a> <span class="count">{term.count}</span>
          </li>
        ))}
      </ul>
    </Layout>
  )
}

export function ArchivesPage(props: { site: SiteRecord; record: ArchivesRecord }) {
  const { site, record } = props
  const t = strings(site.lang)
  return (
    <Layout site={site} head={{ title: t.archives, path: ARCHIVES }}>
      <h1>{t.archives}</h1>
      {record.years.map((y) => (
        <section class="archive-year">
          <h2 id={`y${y.year}`}>{y.year}</h2>
          {y.months.map((m) => (
            <>
              <h3 id={`y${y.year}-${m.month}`}>{`${y.year}-${m.month}`}</h3>
              <ul class="archive">
                {m.posts.map((p) => (
                  <li>
                    <time datetime={p.day}>{p.day.slice(5)}</time> <a href={href(p.path)}>{p.title}</a>
                  </li>
                ))}
              </ul>
            </>
          ))}
        </section>
      ))}
    </Layout>
  )
}

export function StandalonePage(props: { site: SiteRecord; page: PageRecord }) {
  const { site, page } = props
  return (
    <Layout site={site} head={{ title: page.title, description: page.description, path: page.path }}>
      <article class="page">
        <h1>{page.title}</h1>
        <div class="content">{raw(page.html)}</div>
      </article>
    </Layout>
  )
}

/** Error pages never echo the request URL: nothing a visitor sends is reflected. */
export function ErrorPage(props: { site: SiteRecord; code: ErrorCode }) {
  const t = strings(props.site.lang)
  const text = {
    'not-found': [t.notFoundTitle, t.notFoundText],
    method: [t.methodTitle, ''],
    unavailable: [t.unavailableTitle, t.unavailableText],
    unpublished: [t.unpublishedTitle, t.unpublishedText],
  }[props.code]
  return (
    <Layout site={props.site} head={{ title: text[0], path: null, noindex: true }}>
      <section class="error">
        <h1>{text[0]}</h1>
        {text[1] && <p>{text[1]}</p>}
        <p>
          <a href="/">{t.backHome}</a> · <a href={ARCHIVES}>{t.archives}</a>
        </p>
      </section>
    </Layout>
  )
}
