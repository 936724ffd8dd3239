/**
 * The URL Jekyll 4.3 gives a page or a collection document, and the file it
 * writes for it (Jekyll::Page#template/#url/#destination, Document#url,
 * Jekyll::URL, Utils.add_permalink_suffix).
 */

import { jekyllSlugify } from '../../src/shared/slug.ts'

const MARKDOWN_EXT = /\.(md|markdown|mkd|mkdn|mdown|mdwn|mkdown|ron)$/i

/** The extension Jekyll's converters give the output: Markdown becomes .html, Sass .css. */
export function outputExt(name: string): string {
  if (MARKDOWN_EXT.test(name)) return '.html'
  if (/\.s[ac]ss$/i.test(name)) return '.css'
  if (/\.coffee$/i.test(name)) return '.js'
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot) : ''
}

const isHtml = (ext: string) => ['.html', '.htm', '.xhtml'].includes(ext.toLowerCase())

const NAMED_STYLES = new Set(['pretty', 'date', 'ordinal', 'none', 'weekdate'])

/** Utils.add_permalink_suffix: the site's permalink style decides how a page's URL ends. */
function addSuffix(template: string, style: string): string {
  if (style === 'pretty') return `${template}/`
  if (NAMED_STYLES.has(style)) return `${template}:output_ext`
  let t = template
  if (style.endsWith('/')) t += '/'
  if (style.endsWith(':output_ext')) t += ':output_ext'
  return t
}

/** Jekyll::URL#to_s: placeholders filled, `//` collapsed, a leading `/`. */
function fill(template: string, placeholders: Record<string, string>): string {
  const names = Object.keys(placeholders).sort((a, b) => b.length - a.length)
  const url = template.replace(new RegExp(`:(${names.join('|')})`, 'g'), (_, n: string) => placeholders[n]!)
  return `/${url}`.replace(/\/{2,}/g, '/').replace(/\/\.\//g, '/')
}

const stem = (name: string) => (name.lastIndexOf('.') > 0 ? name.slice(0, name.lastIndexOf('.')) : name)

/** The URL of a page at `rel` (from the site root) with its `permalink:` (own or from defaults). */
export function pageUrl(rel: string, permalink: string | undefined, siteStyle: string): string {
  const slash = rel.lastIndexOf('/')
  const dir = slash < 0 ? '' : rel.slice(0, slash)
  const name = rel.slice(slash + 1)
  const ext = outputExt(name)
  const basename = stem(name)
  const placeholders = { path: dir, basename, output_ext: ext }
  if (permalink) return fill(permalink, placeholders)
  if (!isHtml(ext)) return fill('/:path/:basename:output_ext', placeholders)
  if (basename === 'index') return fill('/:path/', placeholders)
  return fill(addSuffix('/:path/:basename', siteStyle), placeholders)
}

/** The URL of a collection document (Document#url with UrlDrop's placeholders). */
export function documentUrl(rel: string, collection: { name: string; permalink?: string }, data: { permalink?: string; slug?: string }, siteStyle: string): string {
  const dirPrefix = rel.slice(0, rel.indexOf(`_${collection.name}/`) + collection.name.length + 2)
  const inside = rel.slice(dirPrefix.length)
  const name = inside.slice(inside.lastIndexOf('/') + 1)
  const base = stem(name)
  const template = data.permalink ?? collection.permalink ?? addSuffix('/:collection/:path', siteStyle)
  return fill(template, {
    collection: collection.name,
    path: stem(inside).replace(/\.+$/, ''),
    name: jekyllSlugify(base),
    title: jekyllSlugify(data.slug ?? base, 'pretty', true),
    slug: jekyllSlugify(data.slug ?? base),
    output_ext: outputExt(name),
  })
}

/** Page#destination: the file Jekyll writes, as a path from the site root (`/about` → `about.html`). */
export function outputFile(url: string, ext: string): string {
  let path = decodeURIComponent(url).replace(/^\/+/, '')
  if (url.endsWith('/')) path += 'index'
  if (!path.endsWith(ext)) path += ext
  return path
}

/**
 * jekyll-polyglot (listed in `plugins:`) builds the site once per language of `languages:`,
 * each but `default_lang` into its own /<lang>/ folder, and a post whose `lang:` is one of
 * those is published in that language's build: `_posts/jp/a.md` with `lang: jp` is at
 * /jp/2024/01/01/a.html while its English copy keeps /2024/01/01/a.html. Returns the folder
 * a post's URL goes under, if any.
 */
export function polyglotFolder(config: Record<string, unknown>, lang: unknown): string | undefined {
  const plugins = [config.plugins, config.gems].flatMap((v) => (Array.isArray(v) ? v : []))
  const languages = Array.isArray(config.languages) ? config.languages.map(String) : []
  if (!plugins.includes('jekyll-polyglot') || typeof lang !== 'string') return undefined
  const fallback = typeof config.default_lang === 'string' ? config.default_lang : 'en'
  return languages.includes(lang) && lang !== fallback ? lang : undefined
}
