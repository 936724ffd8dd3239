/**
 * The Jekyll importer: everything Jekyll would have published, carried into a
 * Kumo content folder at the same URLs, and a list, item by item, of what
 * could not be carried (plugins, layouts, Liquid with no equivalent…).
 *
 *   _posts/ → posts/   _drafts/ → drafts/
 *   pages with front matter (root *.md, *.html, Chirpy's _tabs/ and tabs/,
 *   published collections) → pages/, each with Jekyll's URL as `permalink:`
 *   files Jekyll copies as they are (no front matter, not excluded, not
 *   under `_` folders; assets/ too) → static/, served at the same path
 *   theme-made listings (pagination, archives, tabs) → `redirects:` to Kumo's
 *   an old service worker → static/, replaced by one that retires itself
 *   _config.yml → site.yml (settings.ts)
 *
 * Nothing is half-written: the new content folder is made next to the target
 * and renamed into place at the end; a target that already has content is
 * only replaced when asked (`replace`), and is moved aside, not deleted.
 */

import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import yaml from 'js-yaml'
import { renderLiquid, liquidSite, type LiquidSite } from '../pipeline/liquid.ts'
import { inlineIncludes } from './includes.ts'
import { generatedRoute } from '../pipeline/routes-owner.ts'
import { permalinkTemplate } from '../pipeline/permalink.ts'
import { parseSiteConfig } from '../pipeline/site-config.ts'
import { BuildError } from '../pipeline/errors.ts'
import { FrontMatterDefaults, readConfig, type JekyllConfig } from './config.ts'
import { ImportError } from './errors.ts'
import { setFrontMatter, splitFrontMatter } from './front-matter-edit.ts'
import { isListing, kumoEquivalent, listingRedirects } from './listings.ts'
import { readInventory, POST_FILENAME, type TextFile } from './reader.ts'
import { RETIRING_WORKER, isWorkerPath, workerPaths } from './service-worker.ts'
import { postPermalink, settings } from './settings.ts'
import { documentUrl, outputExt, outputFile, pageUrl, polyglotFolder } from './urls.ts'

export { ImportError } from './errors.ts'

export interface ImportOptions {
  /** Replace a target folder that already has content (it is moved aside, to `replacedTo`). */
  replace?: boolean
  /**
   * The old site's built folder (`_site/`): files the theme generated there
   * (compiled CSS, search JSON, manifests) that the sources cannot make are
   * taken from it as they are.
   */
  built?: string
}

export interface ImportReport {
  posts: number
  drafts: number
  pages: number
  /** Files copied as they are into static/. */
  assets: number
  /** Of those, taken from the old build. */
  fromBuild: number
  /** Old URLs answered by a redirect to Kumo's page. */
  redirects: number
  /** Paths now serving the retiring service worker. */
  serviceWorkers: string[]
  /** The site.yml written. */
  site: Record<string, unknown>
  /** What was not carried over, one line each, with what to do. */
  notCarried: string[]
  /** Where the folder that was there before went, when it was replaced. */
  replacedTo?: string
}

const MARKDOWN = /\.(md|markdown)$/i
/** Files Kumo makes itself at these paths; a Jekyll-generated one is replaced by Kumo's. */
const KUMO_MADE = new Set(['/feed.xml', '/rss.xml', '/feed.json', '/sitemap.xml', '/robots.txt', '/llms.txt'])
const FEED_NAME = /(^|\/)(feed|atom|rss|index)\.(xml|json)$|(^|\/)feed\//i
// Chirpy's own tabs: Kumo builds these pages.
const BUILT_IN_TABS = new Set(['archives', 'categories', 'tags'])

const isFile = (path: string) => stat(path).then((s) => s.isFile(), () => false)
const isDir = (path: string) => stat(path).then((s) => s.isDirectory(), () => false)
/** A page's `redirect_from:` paths (a string or a list), as absolute paths. */
const redirectFromOf = (data: Record<string, unknown>): string[] =>
  (Array.isArray(data.redirect_from) ? data.redirect_from : [data.redirect_from])
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    .map((v) => (v.trim().startsWith('/') ? v.trim() : `/${v.trim()}`))
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined)
/** Utils.titleize_slug: what Jekyll shows for a post with no title. */
const titleize = (slug: string) => slug.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ')

async function hasContent(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((n) => !n.startsWith('.'))
  } catch {
    return false
  }
}

function themeOf(config: JekyllConfig): string {
  return `${str(config.theme) ?? ''} ${str(config.remote_theme) ?? ''}`.toLowerCase()
}

/** Every file under a folder, relative to it, with `/`. */
async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1).split('\\').join('/'))
  return out.sort()
}

/** Imports the Jekyll site at `from` into the content folder `into`. */
export async function importJekyll(from: string, into: string, options: ImportOptions = {}): Promise<ImportReport> {
  if (!(await isDir(from))) throw new ImportError(`${from}: not a folder; point the importer at the folder that holds _config.yml and _posts/`)
  const { config } = await readConfig(from)
  const collectionsDir = str(config.collections_dir) ?? ''
  const inv = await readInventory(from, config)
  if (inv.posts.length === 0 && !(await isDir(join(from, collectionsDir, '_posts')))) {
    throw new ImportError(`${join(from, collectionsDir, '_posts')}: missing; a Jekyll blog keeps its posts there. Create it (it may be empty) if this site has none`)
  }
  if (options.built && !(await isDir(options.built))) throw new ImportError(`${options.built}: not a folder; give the old site's built _site/ folder`)
  if ((await hasContent(into)) && !options.replace) {
    throw new ImportError(`${into} already has content (a fresh clone has Kumo's sample posts there); run again with --replace to replace it (the current folder is moved aside, not deleted), or import elsewhere with --into <dir>`)
  }
  const tmp = `${into}.importing-${process.pid}`
  await rm(tmp, { recursive: true, force: true })
  await mkdir(tmp, { recursive: true })
  try {
    const report = await writeContent(from, tmp, config, inv, options)
    if (await hasContent(into)) {
      const aside = join(dirname(into), '.kumo', 'replaced', `${basename(into)}-${new Date().toISOString().replace(/[:.]/g, '-')}`)
      await mkdir(dirname(aside), { recursive: true })
      await rename(into, aside)
      report.replacedTo = aside
    } else await rm(into, { recursive: true, force: true })
    await rename(tmp, into)
    return report
  } catch (error) {
    await rm(tmp, { recursive: true, force: true })
    throw error
  }
}

type Inventory = Awaited<ReturnType<typeof readInventory>>

async function writeContent(from: string, out: string, config: JekyllConfig, inv: Inventory, options: ImportOptions): Promise<ImportReport> {
  const w = new ContentWriter(from, out, config, inv, options)
  await w.posts()
  await w.pages()
  await w.statics()
  if (options.built) await w.fromBuild(options.built)
  return w.finish()
}

/**
 * One import's writes into the new content folder, and what they learn on the
 * way (the site's tags and categories, the URLs it serves, its redirects),
 * which the later steps and site.yml need.
 */
class ContentWriter {
  readonly defaults: FrontMatterDefaults
  readonly style: string
  readonly chirpy: boolean
  readonly notCarried: string[] = []
  readonly redirects: Record<string, string> = {}
  /** URLs Kumo will serve from content: pages and static files (posts are built from their own rules). */
  readonly served = new Map<string, string>()
  readonly liquid: LiquidSite
  readonly report: ImportReport
  readonly tags = new Set<string>()
  readonly categories = new Set<string>()
  /** Service worker paths, retired in statics(). */
  readonly workers: string[] = []
  about: string | undefined

  constructor(
    readonly from: string,
    readonly out: string,
    readonly config: JekyllConfig,
    readonly inv: Inventory,
    readonly options: ImportOptions,
  ) {
    this.defaults = new FrontMatterDefaults(config)
    this.style = str(config.permalink) ?? 'date'
    this.chirpy = themeOf(config).includes('chirpy') || inv.collections.some((c) => c.name === 'tabs')
    const siteUrl = `${str(config.url) ?? ''}${str(config.baseurl) ?? ''}`
    this.liquid = liquidSite({ url: URL.canParse(siteUrl) ? siteUrl : 'https://example.com', title: str(config.title) ?? '', description: str(config.description) ?? '' })
    this.report = { posts: 0, drafts: 0, pages: 0, assets: 0, fromBuild: 0, redirects: 0, serviceWorkers: [], site: {}, notCarried: this.notCarried }
  }

  async write(rel: string, data: string | Buffer): Promise<void> {
    await mkdir(dirname(join(this.out, rel)), { recursive: true })
    await writeFile(join(this.out, rel), data)
  }

  async readSource(rel: string): Promise<string> {
    try {
      return await readFile(join(this.from, rel), 'utf8')
    } catch (error) {
      throw new ImportError(`${join(this.from, rel)}: cannot be read (${(error as NodeJS.ErrnoException).code}); check its permissions`)
    }
  }

  liquidNotes(rel: string, text: string): void {
    for (const w of renderLiquid(text, this.liquid).warnings) this.notCarried.push(`${rel}: ${w}`)
  }

  /** Posts and drafts: copied, with the title Jekyll would show when they have none. */
  async posts(): Promise<void> {
    const sitePostPermalink = postPermalink(this.config, this.defaults)
    for (const [rels, kind, target] of [[this.inv.posts, 'posts', 'posts'], [this.inv.drafts, 'drafts', 'drafts']] as const) {
      for (const rel of rels) await this.post(rel, kind, target, sitePostPermalink)
    }
  }

  async post(rel: string, kind: 'posts' | 'drafts', target: string, sitePostPermalink: string | undefined): Promise<void> {
    const inside = rel.slice(rel.indexOf(`_${kind}/`) + kind.length + 2)
    if (!MARKDOWN.test(rel)) {
      this.notCarried.push(`${rel}: only Markdown posts are imported; convert it to .md to keep it`)
      return
    }
    let text = await this.readSource(rel)
    const { data } = splitFrontMatter(text)
    const merged = { ...this.defaults.valuesFor(rel, kind), ...data }
    if (merged.published === false) return
    const edits: Record<string, string | string[]> = {}
    if (!str(data.title) && typeof data.title !== 'number') edits.title = titleize(POST_FILENAME.exec(rel)?.[2] ?? inside.replace(MARKDOWN, ''))
    // A permalink that front-matter defaults give this folder only is written into the post, and
    // `:path` (which Kumo's patterns lack) is filled in as Jekyll fills it: Document#cleaned_relative_path,
    // the path from the site root without its extension and with the first `_posts` taken out, so
    // en/_posts/x.md gives `en//x`, and `/:path` is /en/x (Jekyll::URL collapses the `//`).
    const own = str(merged.permalink)
    const path = rel.replace(/\.[^./]+$/, '').replace('_posts', '').replace(/\.+$/, '')
    if (own && (!str(data.permalink) || own.includes(':path')) && (own !== sitePostPermalink || own.includes(':path'))) edits.permalink = own.replace(/:path/g, path).replace(/\/{2,}/g, '/')
    const folder = polyglotFolder(this.config, merged.lang)
    if (folder) edits.permalink = `/${folder}${permalinkTemplate((edits.permalink as string | undefined) ?? own ?? this.style)}`
    // Folders above _posts/ are categories in Jekyll (photos/_posts/x.md is in "photos").
    const above = rel.slice(0, rel.indexOf(`_${kind}/`)).split('/').filter(Boolean)
    if (above.length) {
      const own2 = Array.isArray(data.categories) ? data.categories.map(String) : typeof data.categories === 'string' ? data.categories.split(/\s+/) : []
      edits.categories = [...new Set([...above, ...own2])]
    }
    if (Object.keys(edits).length) text = setFrontMatter(text, edits)
    if (kind === 'posts') {
      for (const key of ['tags', 'tag', 'categories', 'category']) {
        const v = merged[key]
        // Only the plural keys' strings are split (Jekyll's Utils.pluralized_array_from_hash).
        const names = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? (key.endsWith('s') ? v.split(/\s+/) : [v.trim()]) : []
        for (const n of names.filter(Boolean)) (key.startsWith('tag') ? this.tags : this.categories).add(n)
      }
    }
    text = (await inlineIncludes(text, this.from)).text
    this.liquidNotes(rel, text)
    const prefix = rel.slice(0, rel.indexOf(`_${kind}/`))
    await this.write(`${target}/${prefix}${inside}`, text)
    this.report[kind === 'posts' ? 'posts' : 'drafts']++
  }

  /** Pages and published collection documents. */
  async pages(): Promise<void> {
    for (const file of this.inv.pages) {
      const { data, body } = splitFrontMatter(file.text)
      const merged = { ...this.defaults.valuesFor(file.rel, 'pages'), ...data }
      if (merged.published === false) continue
      await this.page(file, pageUrl(file.rel, str(merged.permalink), this.style), merged, body)
    }
    for (const c of this.inv.collections) {
      if (!c.output) {
        if (c.docs.length && c.name !== 'tabs') this.notCarried.push(`_${c.name}/: a collection Jekyll does not publish (no \`output: true\`); nothing of it was online`)
        continue
      }
      for (const file of c.docs) {
        const { data, body } = splitFrontMatter(file.text)
        const merged = { ...this.defaults.valuesFor(file.rel, c.name), ...data }
        if (merged.published === false) continue
        const url = documentUrl(file.rel, c, { permalink: str(merged.permalink), slug: str(merged.slug) }, this.style)
        const name = basename(file.rel).replace(/\.[^.]+$/, '')
        if (c.name === 'tabs' && BUILT_IN_TABS.has(name)) {
          const to = kumoEquivalent({ url: `/${name}/`, layout: name })
          if (url !== to) this.redirects[url] = to
          continue
        }
        await this.page(file, url, merged, body)
      }
      for (const rel of c.statics) this.inv.statics.push(rel)
    }
  }

  /**
   * A page Kumo replaces with its own (`to`): its URL, the file Jekyll wrote for it, and its own
   * old paths (jekyll-redirect-from, which wrote /old.html for /old) all lead there.
   */
  redirectOldPaths(url: string, ext: string, data: Record<string, unknown>, to: string): void {
    if (url !== to) this.redirects[url] = to
    if (`/${outputFile(url, ext)}` !== url && !url.endsWith('/')) this.redirects[`/${outputFile(url, ext)}`] = to
    for (const from of redirectFromOf(data)) {
      if (from !== to) this.redirects[from] = to
      if (/\/[^/.]+$/.test(from)) this.redirects[`${from}.html`] = to
    }
  }

  /** One page or document at `url`: a page of content/pages/, a redirect for a listing Kumo makes, or a note. */
  async page(file: TextFile, url: string, data: Record<string, unknown>, body: string): Promise<void> {
    const ext = outputExt(file.rel)
    const name = basename(file.rel).replace(/\.[^.]+$/, '')
    const path = `/${outputFile(url, ext)}`
    if (isWorkerPath(path)) return void this.workers.push(path) // retired in statics()
    if (ext !== '.html') return this.generatedFile(file, path, ext)
    // Kumo answers unknown paths with its own 404 page, and /404.html with it too; a translated
    // copy (/en/404.html) and the folders a theme sends to it by redirect_from (Mr. Green's
    // /assets/, /tabs/…: jekyll-redirect-from wrote a page there leading to it) lead to that file, as they did.
    if (name === '404') return this.redirectOldPaths(url, ext, data, '/404.html')
    if (isListing({ rel: file.rel, url, layout: str(data.layout), title: str(data.title), body })) {
      const to = kumoEquivalent({ url, layout: str(data.layout), title: str(data.title), body }, { tags: [...this.tags], categories: [...this.categories] })
      return this.redirectOldPaths(url, ext, data, to)
    }
    // The theme's own home, search or taxonomy page at a path Kumo serves itself: Kumo's answers there.
    const kumo = generatedRoute(url, { tags: this.tags, categories: this.categories })
    if (kumo) {
      this.notCarried.push(`${file.rel} → ${url}: Kumo serves ${kumo} there itself; this page is left out`)
      return this.redirectOldPaths(url, ext, data, url)
    }
    const edits: Record<string, string> = { permalink: url }
    if (!str(data.title)) edits.title = titleize(name === 'index' ? basename(dirname(file.rel)) || 'Home' : name)
    const kumoName = file.rel.replace(/^_/, '').replace(/\.(markdown|mkd|mkdn|mdown)$/i, '.md')
    this.liquidNotes(file.rel, file.text)
    await this.write(`pages/${kumoName}`, setFrontMatter(file.text, edits))
    this.served.set(url, file.rel)
    if (/(^|\/)about(\.|\/|$)/i.test(file.rel) && !this.about) this.about = url
    // GitHub Pages serves /about for about.html and the reverse; keep both answering.
    if (!url.endsWith('/') && !/\.html?$/.test(url)) this.redirects[`${url}.html`] = url
    this.report.pages++
  }

  /** A page whose output is not HTML (a feed, a stylesheet): Kumo's own, a redirect, the old build's, or a note. */
  async generatedFile(file: TextFile, path: string, ext: string): Promise<void> {
    if (KUMO_MADE.has(path)) return
    if (FEED_NAME.test(path)) return void (this.redirects[path] = '/feed.xml')
    // Made by Liquid or Sass: the old build has the result.
    if (this.options.built && (await isFile(join(this.options.built, path)))) return
    this.notCarried.push(`${file.rel} → ${path}: made by Jekyll's Liquid${ext === '.css' ? '/Sass' : ''}; ${this.options.built ? 'not in the old build either' : 'give --built <old _site> to take the built file'}, or copy the built file into static/ if something still links to it`)
  }

  /** Static files, as they are; an old service worker is replaced by one that retires itself. */
  async statics(): Promise<void> {
    for (const rel of this.inv.statics) {
      const path = `/${rel}`
      if (isWorkerPath(path)) {
        this.workers.push(path)
        continue
      }
      const kumo = generatedRoute(path, { tags: this.tags, categories: this.categories })
      if (kumo) {
        this.notCarried.push(`${rel}: Kumo makes ${kumo} itself, so this file is left out`)
        continue
      }
      await mkdir(dirname(join(this.out, 'static', rel)), { recursive: true })
      await cp(join(this.from, rel), join(this.out, 'static', rel), { preserveTimestamps: true }).catch((error: NodeJS.ErrnoException) => {
        throw new ImportError(`${join(this.from, rel)}: cannot be read (${error.code}); check its permissions`)
      })
      this.served.set(path, rel)
      this.report.assets++
    }
    this.report.serviceWorkers = workerPaths(this.workers, this.chirpy, this.config.pwa)
    for (const path of this.report.serviceWorkers) {
      await this.write(`static${path}`, RETIRING_WORKER)
      this.served.set(path, '(retiring service worker)')
    }
  }

  /** Files the theme generated, taken from the old build. */
  async fromBuild(built: string): Promise<void> {
    for (const rel of await allFiles(built)) {
      const path = `/${rel}`
      if (/\.html?$/i.test(rel) || this.served.has(path) || KUMO_MADE.has(path) || isWorkerPath(path) || FEED_NAME.test(path)) continue
      await mkdir(dirname(join(this.out, 'static', rel)), { recursive: true })
      await cp(join(built, rel), join(this.out, 'static', rel))
      this.served.set(path, `${built}/${rel}`)
      this.report.fromBuild++
      this.report.assets++
    }
  }

  /** site.yml: the settings, the listing redirects and every redirect gathered on the way; the report. */
  async finish(): Promise<ImportReport> {
    const { notCarried, redirects, served, report } = this
    for (const dir of ['_layouts', '_includes', '_sass', '_plugins', '_data']) {
      if (await isDir(join(this.from, dir))) notCarried.push(`${dir}/: theme and plugin code; Kumo's own templates are used instead`)
    }
    const favicon = ['/favicon.ico', '/assets/img/favicons/favicon.ico', '/favicon.png', '/favicon.svg'].find((p) => served.has(p))
    const { site, notCarried: settingNotes } = settings(this.config, this.defaults, { favicon })
    notCarried.push(...settingNotes)
    const listings = listingRedirects({ config: this.config, posts: this.inv.posts.length, tags: [...this.tags], categories: [...this.categories], chirpy: this.chirpy, about: this.about })
    for (const [from, to] of Object.entries(listings)) redirects[from] ??= to
    // A redirect never shadows a page or file the site still serves.
    for (const path of Object.keys(redirects)) if (served.has(path) || redirects[path] === path) delete redirects[path]
    if (Object.keys(redirects).length) site.redirects = Object.fromEntries(Object.entries(redirects).sort(([a], [b]) => (a < b ? -1 : 1)))
    report.redirects = Object.keys(redirects).length
    report.site = site
    checkSiteYml(site, notCarried)
    await this.write('site.yml', `# Imported from a Jekyll _config.yml by \`npm run import\`.\n${yaml.dump(site, { lineWidth: -1 })}`)
    return report
  }
}

/** Drops any setting Kumo's site.yml would refuse, naming it: the imported site must build. */
function checkSiteYml(site: Record<string, unknown>, notCarried: string[]): void {
  for (let tries = 0; tries < 20; tries++) {
    try {
      parseSiteConfig('site.yml', `${yaml.dump(site, { lineWidth: -1 })}`)
      return
    } catch (error) {
      const key = error instanceof BuildError ? /`([^`]+)`/.exec(error.message)?.[1] : undefined
      if (!key || !(key in site) || ['title', 'url'].includes(key)) throw new ImportError(`site.yml made from _config.yml does not validate: ${(error as Error).message}`)
      notCarried.push(`${key}: ${JSON.stringify(site[key])} is not a value Kumo's site.yml takes (${(error as Error).message.replace(/^site\.yml(:\d+)?: /, '')}); set it by hand`)
      delete site[key]
    }
  }
}
