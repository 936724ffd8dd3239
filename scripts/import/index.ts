/**
 * The Jekyll importer: copies a Jekyll site's posts, drafts and assets into a
 * Kumo content folder, turns `_config.yml` into `site.yml`, and reports, item by
 * item, what it could not carry over (plugins, layouts, includes, collections,
 * front-matter defaults, Liquid with no equivalent…), so nothing is lost silently.
 *
 * Layout mapping:  _posts/ → posts/   _drafts/ → drafts/   assets/ → assets/
 *                  _tabs/about.md and root *.md pages → pages/
 */

import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { basename, join, relative, sep } from 'node:path'
import yaml from 'js-yaml'
import { renderLiquid, liquidSite } from '../pipeline/liquid.ts'

export interface ImportReport {
  posts: number
  drafts: number
  pages: number
  assets: number
  /** The site.yml written. */
  site: Record<string, unknown>
  /** What was not carried over, one line each. */
  notCarried: string[]
}

export class ImportError extends Error {}

const MARKDOWN = /\.(md|markdown)$/i
// Keys of _config.yml that site.yml takes as they are.
const SITE_KEYS = ['title', 'tagline', 'description', 'url', 'baseurl', 'lang', 'timezone', 'permalink', 'paginate'] as const
// Keys that only shape Jekyll's own build; nothing to carry.
const BUILD_ONLY = new Set(['markdown', 'kramdown', 'highlighter', 'exclude', 'include', 'keep_files', 'sass', 'compress_html', 'source', 'destination', 'incremental', 'encoding', 'future', 'show_drafts', 'livereload', 'safe', 'strict_front_matter', 'liquid', 'webrick', 'jekyll-archives', 'paginate_path'])
// Chirpy's tabs that Kumo builds itself.
const BUILT_IN_TABS = new Set(['archives', 'categories', 'tags'])

async function isDir(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false)
}

async function files(dir: string): Promise<string[]> {
  if (!(await isDir(dir))) return []
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/')).sort()
}

function siteYml(config: Record<string, unknown>, notCarried: string[]): Record<string, unknown> {
  const site: Record<string, unknown> = {}
  for (const key of SITE_KEYS) if (config[key] !== undefined && config[key] !== null && config[key] !== '') site[key] = config[key]
  const social = (config.social ?? {}) as { name?: string; email?: string; links?: string[] }
  const author = config.author ?? (social.name ? { name: social.name, ...(social.email ? { email: social.email } : {}), ...(social.links?.[0] ? { url: social.links[0] } : {}) } : undefined)
  if (author) site.author = author

  // Chirpy (and many themes) set the post permalink through front-matter defaults.
  const defaults = Array.isArray(config.defaults) ? (config.defaults as Array<{ scope?: { path?: string; type?: string }; values?: Record<string, unknown> }>) : []
  for (const d of defaults) {
    const values = { ...(d.values ?? {}) }
    if (d.scope?.type === 'posts' && typeof values.permalink === 'string') {
      site.permalink = values.permalink
      delete values.permalink
    }
    // Chirpy's tabs become pages, which are at /<name>/ already.
    if (d.scope?.type === 'tabs') continue
    const left = Object.keys(values).filter((k) => !['layout', 'comments', 'toc'].includes(k))
    if (left.length) notCarried.push(`_config.yml defaults for ${d.scope?.type ?? d.scope?.path ?? 'all'}: ${left.join(', ')} (set them in each post's front matter)`)
  }
  // Jekyll's own defaults where the config says nothing, so URLs stay the same.
  if (site.permalink === undefined) site.permalink = 'date'
  if (site.timezone === undefined) {
    site.timezone = 'UTC'
    notCarried.push('_config.yml has no timezone: Jekyll used the build machine\'s; site.yml says UTC, change it if dates near midnight should fall on another day')
  }
  if (site.url === undefined) {
    site.url = 'https://example.com'
    notCarried.push('_config.yml has no url: site.yml says https://example.com; set your real one')
  }
  if (site.title === undefined) site.title = 'My blog'
  if (config.excerpt_separator !== undefined) notCarried.push('_config.yml excerpt_separator: set `excerpt_separator` in each post that needs it (Kumo reads `<!--more-->` by default)')

  for (const key of ['plugins', 'gems', 'whitelist']) {
    const list = config[key]
    if (Array.isArray(list) && list.length) notCarried.push(`_config.yml ${key}: ${list.join(', ')} (Jekyll plugins do not run here)`)
  }
  const collections = Object.keys((config.collections ?? {}) as object).filter((c) => c !== 'tabs')
  if (collections.length) notCarried.push(`_config.yml collections: ${collections.join(', ')} (only posts and pages are imported)`)
  const handled = new Set<string>([...SITE_KEYS, 'author', 'social', 'defaults', 'plugins', 'gems', 'whitelist', 'collections', 'excerpt_separator'])
  const ignored = Object.keys(config).filter((k) => !handled.has(k) && !BUILD_ONLY.has(k))
  if (ignored.length) notCarried.push(`_config.yml keys with no equivalent: ${ignored.join(', ')}`)
  return site
}

/** Titles a page that has none (Chirpy derives tab titles from file names). */
function withTitle(source: string, name: string): string {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---/.exec(source)
  const title = name.replace(/[-_]/g, ' ').replace(/^./, (c) => c.toUpperCase())
  if (!match) return `---\ntitle: ${JSON.stringify(title)}\n---\n\n${source}`
  if (/^title\s*:/m.test(match[1]!)) return source
  return source.replace(/^(\uFEFF?---\r?\n)/, `$1title: ${JSON.stringify(title)}\n`)
}

/** Imports the Jekyll site at `from` into the content folder `into`. */
export async function importJekyll(from: string, into: string, options: { force?: boolean } = {}): Promise<ImportReport> {
  const configFile = join(from, '_config.yml')
  let configText: string
  try {
    configText = await readFile(configFile, 'utf8')
  } catch {
    throw new ImportError(`${from} has no _config.yml; point the importer at the root of a Jekyll site`)
  }
  let config: Record<string, unknown>
  try {
    config = (yaml.load(configText) ?? {}) as Record<string, unknown>
  } catch (error) {
    throw new ImportError(`_config.yml is not valid YAML: ${(error as { reason?: string }).reason ?? error}`)
  }
  if (!options.force && (await files(join(into, 'posts'))).some((f) => MARKDOWN.test(f))) {
    throw new ImportError(`${join(into, 'posts')} already has posts; import into an empty folder with --into, or pass --force to merge`)
  }

  const notCarried: string[] = []
  const site = siteYml(config, notCarried)
  const liquid = liquidSite({ url: String(site.url), title: String(site.title), description: String(site.description ?? '') })
  const report: ImportReport = { posts: 0, drafts: 0, pages: 0, assets: 0, site, notCarried }

  for (const [dir, target, kind] of [['_posts', 'posts', 'posts'], ['_drafts', 'drafts', 'drafts']] as const) {
    for (const file of await files(join(from, dir))) {
      const source = join(from, dir, file)
      if (!MARKDOWN.test(file)) {
        notCarried.push(`${dir}/${file}: only Markdown posts are imported`)
        continue
      }
      const text = await readFile(source, 'utf8')
      for (const w of renderLiquid(text, liquid).warnings) notCarried.push(`${dir}/${file}: ${w}`)
      await mkdir(join(into, target, file, '..'), { recursive: true })
      await writeFile(join(into, target, file), text)
      report[kind]++
    }
  }

  if (await isDir(join(from, 'assets'))) {
    const list = await files(join(from, 'assets'))
    await cp(join(from, 'assets'), join(into, 'assets'), { recursive: true })
    report.assets = list.length
    for (const file of list.filter((f) => /\.(s[ac]ss|html|js|json|xml)$/.test(f))) {
      const head = (await readFile(join(from, 'assets', file), 'utf8')).slice(0, 4)
      if (head.startsWith('---')) notCarried.push(`assets/${file}: has front matter, so Jekyll processed it (Sass/Liquid); copied unprocessed`)
    }
  }

  const pages: Array<[string, string]> = []
  for (const file of await files(join(from, '_tabs'))) {
    const name = basename(file).replace(MARKDOWN, '')
    if (BUILT_IN_TABS.has(name) && MARKDOWN.test(file)) continue
    if (MARKDOWN.test(file)) pages.push([join(from, '_tabs', file), name])
    else notCarried.push(`_tabs/${file}: not Markdown`)
  }
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (!entry.isFile() || !MARKDOWN.test(entry.name)) continue
    const name = entry.name.replace(MARKDOWN, '')
    if (/^(readme|changelog|license|index|404)$/i.test(name)) continue
    pages.push([join(from, entry.name), name])
  }
  for (const [source, name] of pages) {
    const text = await readFile(source, 'utf8')
    for (const w of renderLiquid(text, liquid).warnings) notCarried.push(`${relative(from, source)}: ${w}`)
    await mkdir(join(into, 'pages'), { recursive: true })
    await writeFile(join(into, 'pages', `${name}.md`), withTitle(text, name))
    report.pages++
  }

  for (const dir of ['_layouts', '_includes', '_sass', '_plugins', '_data']) {
    if (await isDir(join(from, dir))) notCarried.push(`${dir}/: theme and plugin code; Kumo's own templates are used instead`)
  }
  for (const name of Object.keys((config.collections ?? {}) as object).filter((c) => c !== 'tabs')) {
    if (await isDir(join(from, `_${name}`))) notCarried.push(`_${name}/: a collection; not imported`)
  }

  await mkdir(into, { recursive: true })
  await writeFile(join(into, 'site.yml'), `# Imported from a Jekyll _config.yml\n${yaml.dump(site, { lineWidth: -1 })}`)
  return report
}
