/**
 * Plain-text discovery files. Pure: data in, string out.
 *   /robots.txt  RFC 9309, with the Sitemap line sitemaps.org defines.
 *   /llms.txt    llmstxt.org: an H1 with the site's name, a blockquote
 *                summary, then an H2 section with a Markdown list of links.
 */

import { absoluteUrl } from '../shared/paths.ts'
import type { LlmsRecord, RobotsRecord, SiteRecord } from '../shared/schema.ts'

export function robotsTxt(site: SiteRecord, record: RobotsRecord): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${absoluteUrl(site.url, record.sitemap)}\n`
}

/** One line of Markdown: no line breaks, and brackets that would end a link text escaped. */
const inline = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim()
const linkText = (s: string) => inline(s).replace(/([\\[\]])/g, '\\$1')

export function llmsTxt(site: SiteRecord, record: LlmsRecord): string {
  const lines = [`# ${inline(site.title)}`, '']
  if (site.description) lines.push(`> ${inline(site.description)}`, '')
  lines.push('## Posts', '')
  for (const post of record.posts) {
    const summary = inline(post.summary)
    lines.push(`- [${linkText(post.title)}](${absoluteUrl(site.url, post.path)})${summary ? `: ${summary}` : ''}`)
  }
  return `${lines.join('\n')}\n`
}
