/**
 * From a source file to a Post: front matter, dates in the site timezone, the
 * permalink, rendered HTML, excerpt and reading time. Pure: no file system.
 */

import type { CspSources } from '../../src/shared/headers.ts'
import { createHash } from 'node:crypto'
import type { Person, PostBodyRecord, SiteConfig } from '../../src/shared/schema.ts'
import { toTerm } from '../../src/shared/slug.ts'
import { dayInZone, parseDate, toRfc3339 } from '../../src/shared/time.ts'
import { BuildError } from './errors.ts'
import { cspSourcesOf } from './embeds.ts'
import { parseSource, type DateValue, type FrontMatter } from './front-matter.ts'
import { decodeEntities, htmlToText, inlineScriptHashes } from './html.ts'
import { liquidSite, renderLiquid, type LiquidSite } from './liquid.ts'
import { renderMarkdown } from './markdown.ts'
import { checkNesting, checkSize, checkTerms } from './limits.ts'
import { checkUrls } from './safety.ts'
import { normalisePath, permalink } from './permalink.ts'
import type { SourceFile } from './sources.ts'
import { readingMinutes, truncate } from './text.ts'

/**
 * A built post: what its stored page record holds (src/shared/schema.ts,
 * PostBodyRecord, itself PostMeta and PostShown), with every heading in `toc`
 * (the record keeps them only when shown) and its CSP sources even when
 * strict, plus what only the build needs.
 */
export interface Post extends Omit<PostBodyRecord, 'kind' | 'v' | 'csp'> {
  kind: 'post' | 'draft'
  /** Epoch ms of `date`. */
  ms: number
  /** Epoch ms of last_modified_at, when given. */
  updatedMs?: number
  /** What the post's embeds and style attributes add to its CSP (embeds.ts). */
  csp: CspSources
  /** Fence languages highlight.js does not know (plain code), for the build summary. */
  unknownLanguages: string[]
  redirectFrom: string[]
  published: boolean
  /** Show a table of contents: front matter `toc`, else three or more headings. */
  showToc: boolean
  /** The HTML with links made absolute against the post's URL, for feeds (set by the build). */
  feedHtml?: string
  /** The body's Markdown, Liquid resolved, for machine readers. */
  markdown: string
  /** Hash of the source file's text: how a later build tells that the post itself was edited (history.ts). */
  sourceHash: string
  /** Authors named in front matter (`author`, `authors`); none: the site's author. */
  authors?: Person[]
  /** Non-fatal notes for the writer, e.g. Liquid removed for having no equivalent. */
  warnings: string[]
}

export interface Page {
  source: string
  title: string
  path: string
  /** Old paths that answer 301 to this page (jekyll-redirect-from works on pages too). */
  redirectFrom: string[]
  html: string
  description: string
  scriptHashes: string[]
  csp: CspSources
  unknownLanguages: string[]
  warnings: string[]
}

// Jekyll's post filename: YYYY-M-D-title.md (one- or two-digit month and day).
const POST_NAME = /^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)\.(?:md|markdown)$/i
const EXCERPT_GRAPHEMES = 160

// C0 and C1 controls but tab and newline, and DEL: a NUL or an escape in a title would reach HTML, XML
// (where XML 1.0 forbids them) and JSON; newlines and tabs become spaces, as HTML shows them anyway.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g

/** A title as every output shows it: entities decoded (each output escapes once), controls removed. */
function plainTitle(title: string): string {
  return decodeEntities(title).replace(CONTROL, '').replace(/[\t\r\n]+/g, ' ')
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

function resolveDate(file: SourceFile, site: SiteConfig, dateField: DateValue | undefined, line: number, nowMs: number, warnings: string[]) {
  const name = POST_NAME.exec(basename(file.path))
  const written = dateField ?? (name ? { text: `${name[1]}-${name[2]}-${name[3]}`, yamlPlain: false } : undefined)
  if (written === undefined) {
    if (file.kind === 'draft') return { ms: nowMs, offsetMinutes: 0 }
    throw new BuildError(file.path, 'missing date: name the file YYYY-MM-DD-title.md or add `date: YYYY-MM-DD HH:MM:SS +ZZ:ZZ`', line)
  }
  const parsed = parseDate(written.text, site.timezone, { yamlPlain: written.yamlPlain, nowMs })
  if (!parsed) {
    throw new BuildError(file.path, `\`date\` "${written.text}" is not a date Jekyll can read; write it as YYYY-MM-DD HH:MM:SS +ZZ:ZZ (time and offset optional)`, dateField ? line : undefined)
  }
  if (parsed.rolledOver) warnings.push(`\`date\` "${written.text}" names a day its month does not have; read as Jekyll reads it, ${dayInZone(parsed.ms, site.timezone)}`)
  return parsed
}

function slugOf(path: string, slugField: string | undefined): string {
  if (slugField) return slugField
  const name = basename(path)
  const m = POST_NAME.exec(name)
  return m ? m[4]! : name.replace(/\.(md|markdown)$/i, '')
}

/** The excerpt: text before the separator (Jekyll's default is the first blank line). */
function excerptOf(html: string, body: string, separator: string | undefined, site: LiquidSite | undefined, typography: SiteConfig['typography']): string {
  const marker = separator ?? (body.includes('<!--more-->') ? '<!--more-->' : undefined)
  if (marker && body.includes(marker)) {
    // An HTML-comment marker passes through to the HTML: cut there, no second render.
    if (marker.startsWith('<!--') && html.includes(marker)) return truncate(htmlToText(html.slice(0, html.indexOf(marker))), EXCERPT_GRAPHEMES)
    return truncate(htmlToText(renderMarkdown(body.slice(0, body.indexOf(marker)), { site, typography }).html), EXCERPT_GRAPHEMES)
  }
  // The first paragraph with text: a post that opens with an image or a heading still gets one.
  for (const m of html.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)) {
    const text = htmlToText(m[1]!)
    if (text) return truncate(text, EXCERPT_GRAPHEMES)
  }
  return truncate(htmlToText(html), EXCERPT_GRAPHEMES)
}

/** `last_modified_at`, read as Jekyll reads a date. */
function lastModified(file: SourceFile, site: SiteConfig, value: FrontMatter['lastModifiedAt'], lineOf: (key: string) => number, nowMs: number): { updatedMs?: number; updatedOffset: number } {
  if (!value) return { updatedOffset: 0 }
  const parsed = parseDate(value.text, site.timezone, { yamlPlain: value.yamlPlain, nowMs })
  if (!parsed) throw new BuildError(file.path, `\`last_modified_at\` "${value.text}" is not a date Jekyll can read`, lineOf('last_modified_at'))
  return { updatedMs: parsed.ms, updatedOffset: parsed.offsetMinutes }
}

export function buildPost(file: SourceFile, site: SiteConfig, nowMs: number): Post {
  checkSize(file.path, file.text)
  const { data, body, lineOf } = parseSource(file.path, file.text)
  checkNesting(file.path, file.text, body)
  checkTerms(file.path, data.tags.length + data.categories.length, lineOf(data.tags.length >= data.categories.length ? 'tags' : 'categories'))
  const dateWarnings: string[] = []
  const { ms, offsetMinutes } = resolveDate(file, site, data.date, lineOf('date'), nowMs, dateWarnings)
  const { updatedMs, updatedOffset } = lastModified(file, site, data.lastModifiedAt, lineOf, nowMs)
  const slug = slugOf(file.path, data.slug)
  const path = (
    data.permalink
      ? normalisePath(permalink(data.permalink, { slug, categories: data.categories, ms, timeZone: site.timezone }))
      : permalink(site.permalink, { slug, categories: data.categories, ms, timeZone: site.timezone })
  ).normalize('NFC')
  // NFC, as the worker normalises request paths (src/data/paths.ts): an NFD file name or tag is one page.
  const tags = data.tags.map((t) => toTerm(t.normalize('NFC')))
  const categories = data.categories.map((c) => toTerm(c.normalize('NFC')))
  const image = data.image ? { src: data.image.path, alt: data.image.alt } : undefined
  const redirectFrom = data.redirectFrom.map((p) => normalisePath(p).normalize('NFC'))
  checkUrls(file.path, { path, redirectFrom, tags, categories, image }, lineOf)
  const liquid = liquidSite(site)
  // `render_with_liquid: false` (Jekyll 4): no Liquid at all, so `{% raw %}` and includes read as written.
  const { html, toc, warnings, unknownLanguages, bodyToc, markdown } = renderMarkdown(body, { site: data.renderWithLiquid ? liquid : undefined, typography: site.typography })
  const text = htmlToText(html)
  const excerpt = excerptOf(html, body, data.excerptSeparator, data.renderWithLiquid ? liquid : undefined, site.typography)
  return {
    source: file.path,
    kind: file.kind === 'draft' ? 'draft' : 'post',
    // Jekyll prints a title as written, so `Result&lt;T&gt;` reads `Result<T>`: decoded here, escaped once by each output.
    title: plainTitle(data.title),
    path,
    ms,
    date: toRfc3339(ms, offsetMinutes),
    day: dayInZone(ms, site.timezone),
    updatedMs,
    updated: updatedMs === undefined ? undefined : toRfc3339(updatedMs, updatedOffset),
    updatedDay: updatedMs === undefined ? undefined : dayInZone(updatedMs, site.timezone),
    tags,
    categories,
    html,
    toc,
    excerpt,
    description: data.description ?? excerpt,
    readingMinutes: readingMinutes(text),
    image,
    pinned: data.pin,
    lang: data.lang ?? site.lang,
    scriptHashes: inlineScriptHashes(html),
    csp: cspSourcesOf(html),
    unknownLanguages,
    redirectFrom,
    published: data.published,
    showToc: data.toc ?? (!bodyToc && toc.length >= 3),
    markdown,
    sourceHash: createHash('sha256').update(file.text, 'utf8').digest('hex').slice(0, 16),
    authors: data.authors,
    ...data.shown,
    warnings: [...dateWarnings, ...warnings],
  }
}

function htmlPage(body: string, site: LiquidSite): { html: string; warnings: string[] } {
  const { text, warnings } = renderLiquid(body, site)
  return { html: text, warnings }
}

/** A standalone page such as content/pages/about.md → /about/. */
export function buildPage(file: SourceFile, site: SiteConfig): Page {
  checkSize(file.path, file.text)
  const { data, body, lineOf } = parseSource(file.path, file.text)
  checkNesting(file.path, file.text, body)
  const stem = file.path.replace(/^pages\//, '').replace(/\.(md|markdown|html)$/i, '').replace(/(^|\/)index$/, '')
  const path = (data.permalink ? normalisePath(data.permalink) : normalisePath(`${stem}/`)).normalize('NFC')
  const redirectFrom = data.redirectFrom.map((p) => normalisePath(p).normalize('NFC'))
  checkUrls(file.path, { path, redirectFrom, tags: [], categories: [] }, lineOf)
  // An .html page is HTML already: Liquid runs on it, as in Jekyll, and Markdown does not.
  const { html, warnings, unknownLanguages } = /\.html$/i.test(file.path)
    ? { ...htmlPage(body, liquidSite(site)), unknownLanguages: [] }
    : renderMarkdown(body, { site: liquidSite(site), typography: site.typography })
  return {
    source: file.path,
    title: plainTitle(data.title),
    path,
    redirectFrom,
    html,
    description: data.description ?? truncate(htmlToText(html), EXCERPT_GRAPHEMES),
    scriptHashes: inlineScriptHashes(html),
    csp: cspSourcesOf(html),
    unknownLanguages,
    warnings,
  }
}
