/**
 * Comment and analytics providers from site.yml: what each one's embed looks
 * like, and the origins a page's CSP must add for it (exactly those, on
 * exactly the pages that load it). Pure data, shared by the views that render
 * the embeds and the routes that set the policy, so the two cannot disagree.
 *
 * Comment threads keep the old site's mapping: utterances' `issue-term` and
 * giscus' `mapping` go to the provider as configured (it derives the term from
 * the page's path or title at run time, and Kumo keeps Jekyll's paths and
 * `Title | Site` titles), and Disqus gets Jekyll's `page.url` (the
 * percent-encoded path) as its identifier, as Jekyll themes (Chirpy, Minima) set it.
 */

import type { CspSources } from './headers.ts'
import type { AnalyticsConfig, CommentsConfig, SiteRecord } from './schema.ts'

/** A comment widget for the page script to load near the end of a post (src/shared/page-script.ts). */
export interface CommentEmbed {
  provider: CommentsConfig['provider']
  src: string
  /** Attributes of the provider's script tag, as its documentation gives them. */
  attrs: Record<string, string>
  disqus?: { url: string; identifier: string }
}

/** Follows the reader's scheme: the providers' own names for "as the system says". */
const SYSTEM_THEME = { utterances: 'preferred-color-scheme', giscus: 'preferred_color_scheme' }

/** `page.path` percent-encoded, as Jekyll's `page.url` is; `lang` the page's language. */
export function commentEmbed(comments: CommentsConfig, page: { url: string; path: string; lang: string }): CommentEmbed {
  switch (comments.provider) {
    case 'utterances':
      return {
        provider: 'utterances',
        src: 'https://utteranc.es/client.js',
        attrs: {
          repo: comments.repo,
          'issue-term': comments.issueTerm,
          ...(comments.label ? { label: comments.label } : {}),
          theme: comments.theme ?? SYSTEM_THEME.utterances,
          crossorigin: 'anonymous',
        },
      }
    case 'giscus':
      return {
        provider: 'giscus',
        src: 'https://giscus.app/client.js',
        attrs: {
          'data-repo': comments.repo,
          'data-repo-id': comments.repoId,
          'data-category': comments.category,
          'data-category-id': comments.categoryId,
          'data-mapping': comments.mapping,
          'data-strict': comments.strict ? '1' : '0',
          'data-reactions-enabled': comments.reactions === false ? '0' : '1',
          'data-emit-metadata': '0',
          'data-input-position': comments.inputPosition ?? 'bottom',
          'data-theme': comments.theme ?? SYSTEM_THEME.giscus,
          // giscus names Chinese by region (zh-CN, zh-TW), other languages by their primary subtag.
          'data-lang': comments.lang ?? (/^zh-(hant|tw|hk)/i.test(page.lang) ? 'zh-TW' : /^zh/i.test(page.lang) ? 'zh-CN' : page.lang.split('-')[0]!),
          'data-loading': 'lazy',
          crossorigin: 'anonymous',
        },
      }
    case 'disqus':
      return {
        provider: 'disqus',
        src: `https://${comments.shortname}.disqus.com/embed.js`,
        attrs: { 'data-timestamp': '0' },
        disqus: { url: page.url, identifier: page.path },
      }
  }
}

function commentSources(comments: CommentsConfig): CspSources {
  switch (comments.provider) {
    case 'utterances':
      return { script: ['https://utteranc.es'], frame: ['https://utteranc.es'] }
    case 'giscus':
      // client.js adds giscus' own stylesheet for the frame's container.
      return { script: ['https://giscus.app'], frame: ['https://giscus.app'], style: ['https://giscus.app'] }
    case 'disqus':
      return {
        script: [`https://${comments.shortname}.disqus.com`, 'https://c.disquscdn.com'],
        frame: ['https://disqus.com'],
        style: ['https://c.disquscdn.com'],
        connect: ['https://links.services.disqus.com'],
      }
  }
}

/** An analytics script tag: its src and attributes, as each provider documents it. */
export interface AnalyticsTag {
  src: string
  attrs: Record<string, string>
}

export function analyticsTags(analytics: AnalyticsConfig | undefined): AnalyticsTag[] {
  const tags: AnalyticsTag[] = []
  // The gtag bootstrap (dataLayer, config) is in the page script, read from its data-ga attribute.
  if (analytics?.google) tags.push({ src: `https://www.googletagmanager.com/gtag/js?id=${encodeURIComponent(analytics.google)}`, attrs: {} })
  if (analytics?.goatcounter) tags.push({ src: 'https://gc.zgo.at/count.js', attrs: { 'data-goatcounter': `https://${analytics.goatcounter}.goatcounter.com/count` } })
  if (analytics?.cloudflare) tags.push({ src: 'https://static.cloudflareinsights.com/beacon.min.js', attrs: { 'data-cf-beacon': JSON.stringify({ token: analytics.cloudflare }) } })
  return tags
}

function analyticsSources(analytics: AnalyticsConfig): CspSources {
  const s = { script: [] as string[], connect: [] as string[] }
  if (analytics.google) {
    // Google's documented policy for GA4 (Tag Manager CSP guide).
    s.script.push('https://www.googletagmanager.com')
    s.connect.push('https://*.google-analytics.com', 'https://*.analytics.google.com', 'https://*.googletagmanager.com')
  }
  if (analytics.goatcounter) {
    s.script.push('https://gc.zgo.at')
    s.connect.push(`https://${analytics.goatcounter}.goatcounter.com`)
  }
  if (analytics.cloudflare) {
    s.script.push('https://static.cloudflareinsights.com')
    s.connect.push('https://cloudflareinsights.com')
  }
  return s
}

const merge = (...all: CspSources[]): CspSources => {
  const out: Record<string, string[]> = {}
  for (const sources of all) for (const [k, v] of Object.entries(sources)) out[k] = [...(out[k] ?? []), ...(v as string[])]
  return out
}

/**
 * What a page's CSP adds for the site's providers: analytics on every page
 * with a canonical URL, comments on post pages only. Nothing when none is configured.
 */
export function thirdPartySources(site: Pick<SiteRecord, 'comments' | 'analytics'>, page: { post: boolean }): CspSources {
  return merge(site.analytics ? analyticsSources(site.analytics) : {}, page.post && site.comments ? commentSources(site.comments) : {})
}
