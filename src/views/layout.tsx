/**
 * The page shell every HTML response shares: head (title, description,
 * canonical, OpenGraph, Twitter card, JSON-LD, feed autodiscovery, stylesheet,
 * favicon), the site header and the footer. A pure function of its props.
 */

import type { Child } from 'hono/jsx'
import { raw } from 'hono/html'
import { ARCHIVES, CATEGORIES_INDEX, TAGS_INDEX, absoluteUrl, href } from '../shared/paths.ts'
import type { SiteRecord } from '../shared/schema.ts'
import { strings } from './i18n.ts'

export interface HeadProps {
  title?: string
  description?: string
  /** Decoded site path of this page; null for pages with no canonical URL (errors). */
  path: string | null
  type?: 'website' | 'article'
  image?: string
  publishedTime?: string
  modifiedTime?: string
  jsonLd?: object
  /** Extra feed links: a tag's own feeds. */
  feeds?: Array<{ type: string; href: string; title: string }>
  prev?: string | null
  next?: string | null
  noindex?: boolean
}

export const absolute = (site: SiteRecord, path: string): string => absoluteUrl(site.url, path)

/** JSON for a <script> data block: `<`, U+2028 and U+2029 escaped so it cannot end the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

export function Layout(props: { site: SiteRecord; head: HeadProps; children: Child }) {
  const { site, head } = props
  const t = strings(site.lang)
  const title = head.title ? `${head.title} | ${site.title}` : site.title
  const description = head.description || site.description
  const canonical = head.path === null ? undefined : absolute(site, head.path)
  const image = head.image ? absolute(site, head.image) : undefined
  return (
    <html lang={site.lang}>
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
        {head.publishedTime && <meta property="article:published_time" content={head.publishedTime} />}
        {head.modifiedTime && <meta property="article:modified_time" content={head.modifiedTime} />}
        <meta name="twitter:card" content={image ? 'summary_large_image' : 'summary'} />
        {head.jsonLd && <script type="application/ld+json">{raw(scriptJson(head.jsonLd))}</script>}
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <header class="site-header">
          <a class="site-title" href="/">
            {site.title}
          </a>
          <nav aria-label="site">
            <a href={ARCHIVES}>{t.archives}</a>
            <a href={CATEGORIES_INDEX}>{t.categories}</a>
            <a href={TAGS_INDEX}>{t.tags}</a>
            <a href="/about/">{t.about}</a>
            <a href="/feed.xml">{t.feed}</a>
          </nav>
        </header>
        <main id="main">{props.children}</main>
        <footer class="site-footer">
          <p>
            © {site.author.name || site.title} · <a href="/feed.json">JSON Feed</a> · <a href="/feed.xml">Atom</a>
          </p>
        </footer>
      </body>
    </html>
  )
}

/** Serialises a page to an HTML document string. */
export async function renderDocument(node: Child): Promise<string> {
  return `<!doctype html>${await (node as { toString(): string | Promise<string> }).toString()}`
}
