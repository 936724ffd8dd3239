/**
 * The page shell every HTML response shares: head (title, description,
 * canonical, OpenGraph, Twitter card, JSON-LD, feed autodiscovery, stylesheet,
 * favicon), the site header (identity from site.yml, navigation, search form,
 * light/dark switch) and the footer (licence, social links on phones). A pure
 * function of its props. One inline script runs, the same on every page and
 * allowed by its hash (src/shared/page-script.ts); every page reads without it.
 * Analytics scripts load only when site.yml configures them, on pages with a
 * canonical URL (not error pages), with their origins in that page's CSP.
 */

import type { Child } from 'hono/jsx'
import { raw } from 'hono/html'
import { ARCHIVES, CATEGORIES_INDEX, SEARCH, TAGS_INDEX, absoluteUrl, href } from '../shared/paths.ts'
import type { SiteRecord, SocialLink } from '../shared/schema.ts'
import { strings } from '../shared/i18n.ts'
import { PAGE_SCRIPT } from '../shared/page-script.ts'
import { analyticsTags } from '../shared/third-party.ts'

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

const ABOUT = '/about/'

export const absolute = (site: SiteRecord, path: string): string => absoluteUrl(site.url, path)

/** JSON for a <script> data block: `<`, U+2028 and U+2029 escaped so it cannot end the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

/** The author's favicon (site.yml `favicon`) replaces Kumo's; its type from its extension. */
const ICON_TYPES: Record<string, string> = { svg: 'image/svg+xml', png: 'image/png', ico: 'image/x-icon', gif: 'image/gif', webp: 'image/webp', jpg: 'image/jpeg', jpeg: 'image/jpeg' }
export const faviconOf = (site: SiteRecord): string | undefined => site.favicon ?? site.assets.favicon
const iconType = (href: string) => ICON_TYPES[/\.([a-z]+)(?:[?#].*)?$/i.exec(href)?.[1]?.toLowerCase() ?? '']

function Head(props: { site: SiteRecord; head: HeadProps }) {
  const { site, head } = props
  const t = strings(site.lang)
  const icon = faviconOf(site)
  // Error pages (no canonical URL) count nothing.
  const analytics = head.path === null ? [] : analyticsTags(site.analytics)
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
      {icon && <link rel="icon" href={icon} type={iconType(icon)} />}
      {/* First in <head> after the stylesheet: it applies a saved light/dark choice before the first paint. */}
      <script data-ga={head.path === null ? undefined : site.analytics?.google} data-copy={t.copy} data-copied={t.copied}>
        {raw(PAGE_SCRIPT)}
      </script>
      {analytics.map((tag) => (
        <script src={tag.src} async {...tag.attrs}></script>
      ))}
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

export function SocialLinks(props: { links: SocialLink[]; label: string; class: string }) {
  return (
    <nav class={`social ${props.class}`} aria-label={props.label}>
      <ul>
        {props.links.map((l) => (
          <li>
            <a href={l.url} rel="me">
              {l.name}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** Shown by the page script (it stays `hidden` without one); `aria-pressed` says whether dark is on. */
function ThemeToggle(props: { label: string }) {
  return (
    <button id="theme-toggle" class="theme-toggle" type="button" hidden aria-pressed="false" aria-label={props.label} title={props.label}>
      <svg aria-hidden="true" viewBox="0 0 20 20" width="18" height="18">
        <circle cx="10" cy="10" r="7.5" fill="none" stroke="currentColor" stroke-width="1.8" />
        <path d="M10 2.5a7.5 7.5 0 0 1 0 15z" fill="currentColor" />
      </svg>
    </button>
  )
}

function SiteHeader(props: { site: SiteRecord; path: string | null }) {
  const { site } = props
  const t = strings(site.lang)
  const logo = site.avatar ?? faviconOf(site)
  // The section the reader is in, marked for assistive tech and styled from the same attribute.
  const current = (section: string) => (props.path === section ? 'page' : props.path?.startsWith(section) ? 'true' : undefined)
  return (
    <header class="site-header">
      <div class="wrap bar">
        <a class="brand" href="/">
          {logo && <img class={site.avatar ? 'avatar' : undefined} src={logo} alt="" width="40" height="40" />}
          <span class="brand-text">
            <span class="brand-title">{site.title}</span>
            {site.tagline && <span class="tagline">{site.tagline}</span>}
          </span>
        </a>
        {site.social && site.social.length > 0 && <SocialLinks links={site.social} label={t.social} class="header-social" />}
        <ThemeToggle label={t.darkMode} />
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
            {site.social && site.social.length > 0 && <SocialLinks links={site.social} label={t.social} class="footer-social" />}
            <p>
              ©{' '}
              {site.author.url ? <a href={site.author.url}>{site.author.name || site.title}</a> : site.author.name || site.title}
              {site.license && (
                <>
                  {' · '}
                  <License license={site.license} />
                </>
              )}
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

/** The site's licence (site.yml `license`), linked with rel="license" (HTML §4.6.7.9) when it has a URL. */
export function License(props: { license: NonNullable<SiteRecord['license']> }) {
  const { license } = props
  return license.url ? (
    <a rel="license" href={license.url}>
      {license.name}
    </a>
  ) : (
    <>{license.name}</>
  )
}

/** Serialises a page to an HTML document string. */
export async function renderDocument(node: Child): Promise<string> {
  return `<!doctype html>${await (node as { toString(): string | Promise<string> }).toString()}`
}
