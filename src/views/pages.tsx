/**
 * The remaining page kinds: tags and categories indexes, archives, standalone
 * pages (About), and the error pages (404, 405, 503).
 */

import { raw } from 'hono/html'
import type { PageErrorCode } from '../errors.ts'
import { ARCHIVES, categoryPath, href, tagPath } from '../shared/paths.ts'
import type { ArchivesRecord, PageRecord, SiteRecord, TermsRecord } from '../shared/schema.ts'
import { strings } from '../shared/i18n.ts'
import { Layout } from './layout.tsx'

export function TermsPage(props: { site: SiteRecord; record: TermsRecord; path: string }) {
  const { site, record } = props
  const t = strings(site.lang)
  const title = record.taxonomy === 'tag' ? t.tags : t.categories
  const path = record.taxonomy === 'tag' ? tagPath : categoryPath
  return (
    <Layout site={site} head={{ title, path: props.path }}>
      <header class="listing-header">
        <h1>{title}</h1>
      </header>
      <ul class={`term-index ${record.taxonomy}-index`}>
        {record.terms.map((term) => (
          <li>
            <a href={href(path(term.slug))}>
              {term.name} <span class="count">{term.count}</span>
            </a>
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
      <header class="listing-header">
        <h1>{t.archives}</h1>
        <p class="meta">{t.posts(record.total)}</p>
      </header>
      {raw(record.html)}
    </Layout>
  )
}

export function StandalonePage(props: { site: SiteRecord; page: PageRecord }) {
  const { site, page } = props
  return (
    <Layout site={site} head={{ title: page.title, description: page.description, path: page.path }}>
      <article class="page">
        <header class="post-header">
          <h1>{page.title}</h1>
        </header>
        <div class="content">{raw(page.html)}</div>
      </article>
    </Layout>
  )
}

/** Error pages never echo the request URL: nothing a visitor sends is reflected. */
export function ErrorPage(props: { site: SiteRecord; code: PageErrorCode }) {
  const t = strings(props.site.lang)
  const text = {
    'not-found': ['404', t.notFoundTitle, t.notFoundText],
    method: ['405', t.methodTitle, ''],
    unavailable: ['503', t.unavailableTitle, t.unavailableText],
    unpublished: ['503', t.unpublishedTitle, t.unpublishedText],
  }[props.code]
  return (
    <Layout site={props.site} head={{ title: text[1], path: null, noindex: true }}>
      <section class="error">
        <p class="error-code" aria-hidden="true">
          {text[0]}
        </p>
        <h1>{text[1]}</h1>
        {text[2] && <p>{text[2]}</p>}
        <p class="error-links">
          <a class="button" href="/">
            {t.backHome}
          </a>
          <a class="button" href={ARCHIVES}>
            {t.browseArchives}
          </a>
        </p>
      </section>
    </Layout>
  )
}
