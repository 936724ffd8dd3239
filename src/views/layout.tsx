/**
 * The page shell every HTML response shares: head (title, description,
 * canonical, OpenGraph, Twitter card, JSON-LD, feed autodiscovery, stylesheet,
 * favicon), the site header with its search form, and the footer. A pure
 * function of its props. No script runs on any page: the only <script> is the
 * JSON-LD data block, which browsers do not execute.
 */

import type { Child } from 'hono/jsx'
import { raw } from 'hono/html'
import { ARCHIVES, CATEGORIES_INDEX, TAGS_INDEX, absoluteUrl, href } from '../shared/paths.ts'
import type { SiteRecord } from '../shared/schema.ts'
import { strings } from '../shared/i18n.ts'

export interface HeadProps {
  title?: string
  description?: string
  /** Decoded site path of this page; null for pages with no canonical URL (errors). */
  path: string | null
  type?: 'website' | 'article'
  image?: string
  imageAlt?: string
  publishedTime?: string
  modifiedTime?: string
  /** `article:tag` values (Open Graph article vertical). */
  tags?: string[]
  jsonLd?: object
  /** Extra feed links: a tag's own feeds. */
  feeds?: Array<{ type: string; href: string; title: string }>
  prev?: string | null
  next?: string | null
  noindex?: boolean
}

/** The search page another module serves; the header form is a plain GET to it. */
export const SEARCH = '/search'
const ABOUT = '/about/'

export const absolute = (site: SiteRecord, path: string): string => absoluteUrl(site.url, path)

/** JSON for a <script> data block: `<`, U+2028 and U+2029 escaped so it cannot end the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

function Head(props: { site: SiteRecord; head: HeadProps }) {
  const { site, head } = props
  const title = head.title ? `${head.title} | ${site.title}` : site.title
  const description = head.description || site.description
  const canonical = head.path === null ? undefined : absolute(site, head.path)
  const image = head.image ? absolute(site, head.image) : undefined
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      {description && <meta name="description" content={description} />}
      {canonical && <link rel="canonical" href={canonical} />}
      {head.noindex && <meta name="robots" content="noindex" />}
      {head.prev && <link rel="prev" href={href(head.prev)} />}
      {head.next && <link rel="next" href={href(head.next)} />}
      <meta name="color-scheme" content="light dark" />
      <meta name="theme-color" content="#fbfbfa" media="(prefers-color-scheme: light)" />
      <meta name="theme-color" content="#16181d" media="(prefers-color-scheme: dark)" />
      {site.assets.css && <link rel="stylesheet" href={site.assets.css} />}
      {site.assets.favicon && <link rel="icon" href={site.assets.favicon} type="image/svg+xml" />}
      <link rel="alternate" type="application/feed+json" href="/feed.json" title={site.title} />
      <link rel="alternate" type="application/atom+xml" href="/feed.xml" title={site.title} />
      {head.feeds?.map((f) => <link rel="alternate" type={f.type} href={f.href} title={f.title} />)}
      <meta property="og:site_name" content={site.title} />
      <meta property="og:title" content={head.title ?? site.title} />
      <meta property="og:type" content={head.type ?? 'website'} />
      {canonical && <meta property="og:url" content={canonical} />}
      {description && <meta property="og:description" content={description} />}
      <meta property="og:locale" content={site.lang.replace('-', '_')} />
      {image && <meta property="og:image" content={image} />}
      {image && head.imageAlt && <meta property="og:image:alt" content={head.imageAlt} />}
      {head.publishedTime && <meta property="article:published_time" content={head.publishedTime} />}
      {head.modifiedTime && <meta property="article:modified_time" content={head.modifiedTime} />}
      {head.tags?.map((tag) => <meta property="article:tag" content={tag} />)}
      <meta name="twitter:card" content={image ? 'summary_large_image' : 'summary'} />
      <meta name="twitter:title" content={head.title ?? site.title} />
      {description && <meta name="twitter:description" content={description} />}
      {image && <meta name="twitter:image" content={image} />}
      {head.jsonLd && <script type="application/ld+json">{raw(scriptJson(head.jsonLd))}</script>}
    </head>
  )
}

function SiteHeader(props: { site: SiteRecord; path: string | null }) {
  const { site } = props
  const t = strings(site.lang)
  // The section the reader is in, marked for assistive tech and styled from the same attribute.
  const current = (section: string) => (props.path === section ? 'page' : props.path?.startsWith(section) ? 'true' : undefined)
  return (
    <header class="site-header">
      <div class="wrap bar">
        <a class="brand" href="/">
          {site.assets.favicon && <img src={site.assets.favicon} alt="" width="28" height="28" />}
          <span>{site.title}</span>
        </a>
        <nav class="site-nav" aria-label={t.siteNav}>
          <a href={ARCHIVES} aria-current={current(ARCHIVES)}>
            {t.archives}
          </a>
          <a href={CATEGORIES_INDEX} aria-current={current(CATEGORIES_INDEX)}>
            {t.categories}
          </a>
          <a href={TAGS_INDEX} aria-current={current(TAGS_INDEX)}>
            {t.tags}
          </a>
          <a href={ABOUT} aria-current={current(ABOUT)}>
            {t.about}
          </a>
        </nav>
        <form class="search" role="search" action={SEARCH} method="get">
          <label class="sr-only" for="site-search">
            {t.search}
          </label>
          <input id="site-search" type="search" name="q" placeholder={t.searchPlaceholder} enterkeyhint="search" autocomplete="off" />
          <button type="submit">
            <svg aria-hidden="true" viewBox="0 0 20 20" width="16" height="16">
              <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" stroke-width="2" />
              <path d="m13 13 4.5 4.5" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
            <span class="sr-only">{t.search}</span>
          </button>
        </form>
      </div>
    </header>
  )
}

export function Layout(props: { site: SiteRecord; head: HeadProps; wide?: boolean; children: Child }) {
  const { site, head } = props
  const t = strings(site.lang)
  return (
    <html lang={site.lang}>
      <Head site={site} head={head} />
      <body>
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <SiteHeader site={site} path={head.path} />
        <main id="main" class={props.wide ? 'wrap wide' : 'wrap'}>
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <p>
              ©{' '}
              {site.author.url ? <a href={site.author.url}>{site.author.name || site.title}</a> : site.author.name || site.title}
              {' · '}
              <a href="/feed.xml">Atom</a>
              {' · '}
              <a href="/feed.json">JSON Feed</a>
              {' · '}
              {t.poweredBy}
            </p>
          </div>
        </footer>
      </body>
    </html>
  )
}

/** Serialises a page to an HTML document string. */
export async function renderDocument(node: Child): Promise<string> {
  return `<!doctype html>${await (node as { toString(): string | Promise<string> }).toString()}`
}
