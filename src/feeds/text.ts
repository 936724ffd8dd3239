/**
 * Plain-text discovery files. Pure: data in, string out.
 *   /robots.txt  RFC 9309, with the Sitemap line sitemaps.org defines.
 *   /llms.txt    llmstxt.org: an H1 with the site's name, a blockquote
 *                summary, then an H2 section with a Markdown list of links,
 *                and an "Optional" section naming the full text.
 *   /llms-full.txt  the full text of every post as Markdown, newest first,
 *                in pages bounded in size, each naming the next.
 */

import { absoluteUrl, llmsFullPath } from '../shared/paths.ts'
import type { LlmsFullView, MarkdownRecord, PostMetaRecord, RobotsRecord, SiteRecord } from '../shared/schema.ts'

export function robotsTxt(site: SiteRecord, record: RobotsRecord): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${absoluteUrl(site.url, record.sitemap)}\n`
}

/** One line of Markdown: no line breaks, and brackets that would end a link text escaped. */
const inline = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim()
const linkText = (s: string) => inline(s).replace(/([\\[\]])/g, '\\$1')

/** `posts`: the llms record's posts, resolved through their `meta:` records, in its order. */
export function llmsTxt(site: SiteRecord, posts: PostMetaRecord[]): string {
  const lines = [`# ${inline(site.title)}`, '']
  if (site.description) lines.push(`> ${inline(site.description)}`, '')
  lines.push('## Posts', '')
  for (const post of posts) {
    const summary = inline(post.description)
    lines.push(`- [${linkText(post.title)}](${absoluteUrl(site.url, post.path)})${summary ? `: ${summary}` : ''}`)
  }
  // llmstxt.org: links under "Optional" may be skipped when a shorter context is needed.
  lines.push('', '## Optional', '', `- [Full text of every post](${absoluteUrl(site.url, llmsFullPath(1))}): Markdown, in pages`)
  return `${lines.join('\n')}\n`
}

/** A page of /llms-full.txt: a heading, each post's Markdown (its own record, in the page's order), the next page's URL. */
export function llmsFullTxt(site: SiteRecord, page: LlmsFullView, docs: MarkdownRecord[]): string {
  const head = [`# ${inline(site.title)}: full text${page.pages > 1 ? `, page ${page.page} of ${page.pages}` : ''}`, '']
  if (site.description) head.push(`> ${inline(site.description)}`, '')
  const next = page.next ? `\n---\n\nNext page: ${absoluteUrl(site.url, page.next)}\n` : ''
  return `${head.join('\n')}\n${docs.map((d) => d.text.trimEnd()).join('\n\n---\n\n')}\n${next}`
}
