/**
 * Reference builds of a Jekyll site by real Jekyll, for checking Kumo's import
 * against it: `jekyllBuild(siteDir, outDir)` writes
 *
 *   <out>/site/          the best build we can make: the real theme or the site's
 *                        own layouts when they build, else the same as bodies/
 *   <out>/bodies/        every layout replaced by a stub that prints the page's
 *                        content inside <article data-kumo-ref="body">, so a post
 *                        body there is exactly kramdown's (and Liquid's) output
 *                        (a file with no layout at all, not even from config
 *                        defaults, is written bare by Jekyll: all of it is body)
 *   <out>/reference.json what Jekyll itself said it built: posts, pages, static
 *                        files with source path, url and output file, plus every
 *                        file written, the theme used, plugins dropped, repairs
 *
 * The input folder is never modified: everything happens in a temporary copy.
 * Jekyll is Debian's (no bundler, no network), so gem themes and plugins that
 * are not installed are stubbed or dropped, and the record says which.
 */

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, delimiter, dirname, join, relative, resolve, sep } from 'node:path'

export interface JekyllBuildOptions {
  /** The jekyll executable; default /usr/bin/jekyll, else `jekyll` on PATH. */
  jekyll?: string
  /** JEKYLL_ENV; GitHub Pages builds with production, and themes branch on it. */
  env?: string
  /** Keep the temporary copy (its path is in reference.json) for debugging. */
  keepTemp?: boolean
  /** Kill a Jekyll run after this long (a site's plugin may try the network). */
  timeoutMs?: number
  /**
   * Build as GitHub Pages' own builder would: its default plugins on, the
   * site's _plugins/ off (Pages runs in safe mode). Default: when the Gemfile
   * names the github-pages gem.
   */
  githubPages?: boolean
  /** Progress lines; default silent. */
  log?: (line: string) => void
}

/** One thing Jekyll wrote, as its own plugin hook reported it. */
export interface RefEntry {
  path: string
  url: string
  output: string
  written?: boolean
  [key: string]: unknown
}

export interface JekyllReference {
  kumoJekyllReference: 1
  site: string
  source: string
  jekyll: string
  env: string
  builtAt: string
  config: Record<string, unknown>
  theme: {
    requested: string | null
    remote: string | null
    /** The gem theme Jekyll really loaded, if any. */
    used: string | null
    /** What <out>/site/ was built with. */
    siteMode: 'theme' | 'own-layouts' | 'stub'
    /** Why site/ fell back to the stub build, when it did. */
    siteFallback?: string
    stubLayouts: { site: string[]; bodies: string[] }
  }
  plugins: {
    requested: string[]
    kept: string[]
    dropped: string[]
    fromGemfile: string[]
    fromTheme: string[]
    fromGithubPages: string[]
  }
  /** Built as GitHub Pages would (see JekyllBuildOptions.githubPages). */
  githubPages: boolean
  /** Ruby files under the site's own _plugins/ (Jekyll runs them; read them first). */
  sitePlugins: string[]
  /** Whether those ran: not in a GitHub Pages build. */
  sitePluginsRan: boolean
  /** Changes made to the temporary copy so the build could finish. */
  repairs: { build: 'site' | 'bodies'; kind: string; name: string; error: string }[]
  posts: RefEntry[]
  /**
   * Files in a _posts folder that are not posts in the build, and why (as far
   * as we can tell): Jekyll skips them silently, so an importer must too.
   */
  postsNotBuilt: { path: string; reason: string }[]
  pages: RefEntry[]
  staticFiles: RefEntry[]
  collections: Record<string, RefEntry[]>
  files: { site: string[]; bodies: string[] }
  warnings: string[]
  temp?: string
}

export class JekyllMissingError extends Error {}

/** A build that failed even after the repairs; `line` is Jekyll's first error line. */
export class JekyllBuildError extends Error {
  constructor(
    readonly site: string,
    readonly line: string,
    readonly output: string,
  ) {
    super(`jekyll build failed for ${site}: ${line}`)
  }
}

// What a Debian machine needs for the sites this was tried on; printed, never run.
export const APT_HINT =
  'apt-get install -y jekyll jekyll-theme-minima ruby-jekyll-paginate ruby-jekyll-paginate-v2 ruby-jekyll-archives ' +
  'ruby-jekyll-redirect-from ruby-jekyll-seo-tag ruby-jekyll-sitemap ruby-jekyll-feed ruby-jekyll-gist ' +
  'ruby-jekyll-include-cache ruby-jekyll-relative-links ruby-jekyll-optional-front-matter ' +
  'ruby-jekyll-titles-from-headings ruby-jekyll-toc ruby-jekyll-mentions ruby-jekyll-avatar ruby-kramdown-parser-gfm'

// Folders never copied: VCS and package caches, and earlier builds (Jekyll would
// otherwise read a stale _site/ or vendor/bundle as site content).
const SKIP_ANYWHERE = new Set(['.git', 'node_modules'])
const SKIP_AT_TOP = new Set(['_site', 'vendor', '.jekyll-cache', '.sass-cache', '.bundle'])

// A gem theme's runtime dependencies are required by Jekyll when the theme
// loads, so a site using it gets e.g. archive and pagination pages without
// listing those plugins. With the theme missing we still want those URLs, so we
// ask for the plugins ourselves. Taken from each theme's gemspec.
const THEME_PLUGINS: Record<string, string[]> = {
  'jekyll-theme-chirpy': [
    'jekyll-paginate',
    'jekyll-redirect-from',
    'jekyll-seo-tag',
    'jekyll-archives',
    'jekyll-sitemap',
    'jekyll-include-cache',
  ],
  'minimal-mistakes-jekyll': ['jekyll-paginate', 'jekyll-sitemap', 'jekyll-gist', 'jekyll-feed', 'jekyll-include-cache'],
  minima: ['jekyll-feed', 'jekyll-seo-tag'],
  'jekyll-theme-so-simple': ['jekyll-feed', 'jekyll-paginate', 'jekyll-seo-tag', 'jekyll-sitemap'],
  'jekyll-theme-hydejack': ['jekyll-include-cache', 'jekyll-feed', 'jekyll-seo-tag', 'jekyll-sitemap'],
}

// The plugins GitHub Pages turns on for every site (the github-pages gem's
// DEFAULT_PLUGINS), less jekyll-github-metadata, which needs the network, and
// the coffeescript and commonmark converters, which change no post. Some change
// URLs and bodies: README.md becomes index.html, Markdown files without front
// matter become pages, links to .md files are rewritten to the pages' URLs.
const GITHUB_PAGES_PLUGINS = [
  'jekyll-gist',
  'jekyll-paginate',
  'jekyll-relative-links',
  'jekyll-optional-front-matter',
  'jekyll-readme-index',
  'jekyll-default-layout',
  'jekyll-titles-from-headings',
]

// remote_theme repositories whose gem Debian packages: used for site/ instead of
// stubs. (The remote head can be newer than the gem: minima's master is 3.x.)
const REMOTE_THEME_GEMS: Record<string, string> = { 'jekyll/minima': 'minima' }

// Layout names themes commonly use: stubbed as well so a page naming one that
// we did not spot still gets the marker.
const COMMON_LAYOUTS = ['default', 'post', 'page', 'home', 'archive', 'categories', 'category', 'tags', 'tag', 'single']

export async function jekyllBuild(
  siteDir: string,
  outDir: string,
  options: JekyllBuildOptions = {},
): Promise<JekyllReference> {
  const log = options.log ?? (() => {})
  const jekyll = findJekyll(options.jekyll)
  const source = resolve(siteDir)
  const name = basename(source)
  const env = options.env ?? 'production'
  if (!(await stat(source).catch(() => null))?.isDirectory()) throw new Error(`not a folder: ${source}`)

  const work = await mkdtemp(join(tmpdir(), 'kumo-jekyll-'))
  const src = join(work, 'src')
  const ctx: Ctx = { jekyll, env, work, src, source, name, timeoutMs: options.timeoutMs ?? 15 * 60_000, log, stubTags: new Map() }
  try {
    log(`copying ${source}`)
    await cp(source, src, { recursive: true, filter: (from) => keep(source, from) })
    const plugins = await pluginPlan(ctx, options)
    const layouts = await layoutPlan(ctx, plugins)
    const configs = await writeOverride(ctx, plugins)
    const repairs: JekyllReference['repairs'] = []
    const warnings: string[] = []
    const bodies = await buildBodies(ctx, layouts, configs, repairs)
    const site = await buildSiteTree(ctx, layouts, bodies, configs, repairs, warnings)
    const reference = await referenceOf(ctx, plugins, layouts, bodies, site, repairs, warnings, options.keepTemp)
    await writeOutputs(outDir, site.out, bodies.out, reference)
    log(`${name}: ${reference.posts.length} posts, ${reference.pages.length} pages, ${reference.staticFiles.length} static files; site/ ${site.mode}`)
    return reference
  } finally {
    if (!options.keepTemp) await rm(work, { recursive: true, force: true })
  }
}

/** The plugins a build asks for (the site's config, its Gemfile, its theme's, GitHub Pages'), and which of them load. */
async function pluginPlan(ctx: Ctx, options: JekyllBuildOptions) {
  // Without a Gemfile (and with JEKYLL_NO_BUNDLER_REQUIRE) Debian's jekyll
  // uses the system gems instead of trying to resolve the site's bundle.
  for (const f of ['Gemfile', 'Gemfile.lock', 'gems.rb', 'gems.locked']) await rm(join(ctx.src, f), { force: true })
  const gemfile = await readFile(join(ctx.source, 'Gemfile'), 'utf8').catch(() => '')
  const gemfilePlugins = jekyllPluginsGroup(gemfile).filter((g) => g !== 'github-pages')
  const githubPages = options.githubPages ?? /^\s*gem\s+["']github-pages["']/m.test(gemfile)
  const pagesPlugins = githubPages ? GITHUB_PAGES_PLUGINS : []

  const probe = await runProbe(ctx, gemfilePlugins)
  const themeDeps = probe.theme && !probe.themeDir ? (THEME_PLUGINS[probe.theme] ?? []) : []
  const requested = unique([...probe.plugins, ...gemfilePlugins, ...themeDeps, ...pagesPlugins])
  const kept = requested.filter((p) => probe.requireOk[p])
  const dropped = requested.filter((p) => !probe.requireOk[p])
  if (dropped.length) ctx.log(`dropped plugins not installed: ${dropped.join(', ')}`)
  return { probe, githubPages, gemfilePlugins, pagesPlugins, themeDeps, requested, kept, dropped }
}

type PluginPlan = Awaited<ReturnType<typeof pluginPlan>>

/** Where plugins and layouts live, the site's own plugins and layouts, and every layout name something refers to. */
async function layoutPlan(ctx: Ctx, { probe, githubPages }: PluginPlan) {
  const pluginsDir = join(ctx.src, probe.pluginsDir)
  const layoutsDir = join(ctx.src, probe.layoutsDir)
  const sitePlugins = (await listFiles(pluginsDir)).filter((f) => f.endsWith('.rb'))
  // Pages never runs a site's own plugins; leave them out of the copy too.
  if (githubPages) for (const f of sitePlugins) await rm(join(pluginsDir, f))
  const ownLayouts = await layoutNames(layoutsDir)
  const referenced = unique([...(await referencedLayouts(ctx.src)), ...probe.defaultLayouts, ...COMMON_LAYOUTS])
  const themeLayouts = probe.themeDir ? probe.themeLayouts : []
  return { pluginsDir, layoutsDir, sitePlugins, ownLayouts, referenced, themeLayouts, themed: Boolean(probe.themeDir) }
}

type LayoutPlan = Awaited<ReturnType<typeof layoutPlan>>

/** The config files the builds read, ours last; makes the plugins folder. */
async function writeOverride(ctx: Ctx, { probe, kept }: PluginPlan): Promise<string> {
  // Our settings win over the site's: keep only loadable plugins, unset a
  // theme that is not installed, and turn off safe mode so _plugins/ (ours
  // included) loads. (`theme: false`, because a null would not override:
  // Jekyll's config merge keeps the old value for a nil.)
  const override = join(ctx.work, 'kumo-override.yml')
  await writeFile(
    override,
    JSON.stringify({
      plugins: kept,
      gems: [],
      safe: false,
      ...(probe.theme && !probe.themeDir ? { theme: false } : {}),
      ...(probe.remoteThemeGem ? { theme: probe.remoteThemeGem } : {}),
    }) + '\n',
  )
  await mkdir(join(ctx.src, probe.pluginsDir), { recursive: true })
  return [...probe.configFiles, override].join(',')
}

/** bodies/: the site's layouts moved out of the way, every referenced name a stub. */
async function buildBodies(ctx: Ctx, layouts: LayoutPlan, configs: string, repairs: JekyllReference['repairs']) {
  const { layoutsDir, referenced, ownLayouts, themeLayouts, pluginsDir } = layouts
  const ownLayoutsAside = join(ctx.work, 'own-layouts')
  if (existsSync(layoutsDir)) await cp(layoutsDir, ownLayoutsAside, { recursive: true })
  await rm(layoutsDir, { recursive: true, force: true })
  const stubs = unique([...referenced, ...ownLayouts, ...themeLayouts]).sort()
  await writeStubLayouts(layoutsDir, stubs)
  const out = join(ctx.work, 'out-bodies')
  const ref = await buildWithRepairs(ctx, 'bodies', configs, pluginsDir, out, repairs)
  return { ownLayoutsAside, stubs, out, ref }
}

type Bodies = Awaited<ReturnType<typeof buildBodies>>

/** site/: the site's own layouts back, stubs only for names nothing provides; the stub build again when they fail. */
async function buildSiteTree(ctx: Ctx, layouts: LayoutPlan, bodies: Bodies, configs: string, repairs: JekyllReference['repairs'], warnings: string[]) {
  const { layoutsDir, ownLayouts, themeLayouts, referenced, pluginsDir } = layouts
  await rm(layoutsDir, { recursive: true, force: true })
  if (existsSync(bodies.ownLayoutsAside)) await cp(bodies.ownLayoutsAside, layoutsDir, { recursive: true })
  const provided = new Set([...ownLayouts, ...themeLayouts])
  const stubs = referenced.filter((l) => !provided.has(l)).sort()
  let mode: JekyllReference['theme']['siteMode'] = layouts.themed ? 'theme' : ownLayouts.length ? 'own-layouts' : 'stub'
  let fallback: string | undefined
  const out = join(ctx.work, 'out-site')
  if (mode === 'stub') {
    await cp(bodies.out, out, { recursive: true })
  } else {
    await writeStubLayouts(layoutsDir, stubs, false)
    try {
      const siteRef = await buildWithRepairs(ctx, 'site', configs, pluginsDir, out, repairs)
      if (urls(bodies.ref).join('\n') !== urls(siteRef).join('\n')) warnings.push('site/ and bodies/ builds list different URLs; reference.json lists the bodies build')
    } catch (error) {
      if (!(error instanceof JekyllBuildError)) throw error
      fallback = error.line
      mode = 'stub'
      warnings.push(`site/ is the stub build: the real layouts failed: ${error.line}`)
      await rm(out, { recursive: true, force: true })
      await cp(bodies.out, out, { recursive: true })
    }
  }
  return { mode, fallback, stubs, out }
}

type SiteTree = Awaited<ReturnType<typeof buildSiteTree>>

/** reference.json: what the builds made, as Jekyll's own objects report it, and how they were made. */
async function referenceOf(ctx: Ctx, plugins: PluginPlan, layouts: LayoutPlan, bodies: Bodies, site: SiteTree, repairs: JekyllReference['repairs'], warnings: string[], keepTemp?: boolean): Promise<JekyllReference> {
  const { probe, githubPages } = plugins
  return {
    kumoJekyllReference: 1,
    site: ctx.name,
    source: ctx.source,
    jekyll: bodies.ref.jekyll,
    env: ctx.env,
    builtAt: new Date().toISOString(),
    config: probe.config,
    theme: {
      requested: probe.theme,
      remote: probe.remoteTheme,
      used: probe.themeDir ? (probe.theme ?? probe.remoteThemeGem) : null,
      siteMode: site.mode,
      ...(site.fallback ? { siteFallback: site.fallback } : {}),
      stubLayouts: { site: site.mode === 'stub' ? bodies.stubs : site.stubs, bodies: bodies.stubs },
    },
    plugins: { requested: plugins.requested, kept: plugins.kept, dropped: plugins.dropped, fromGemfile: plugins.gemfilePlugins, fromTheme: plugins.themeDeps, fromGithubPages: plugins.pagesPlugins },
    githubPages,
    sitePlugins: layouts.sitePlugins.map((f) => join(probe.pluginsDir, f)),
    sitePluginsRan: !githubPages,
    repairs,
    posts: await withFrontMatterDates(ctx.src, bodies.ref.posts),
    postsNotBuilt: await postsNotBuilt(ctx.src, probe, bodies.ref),
    pages: bodies.ref.pages,
    staticFiles: bodies.ref.static_files,
    collections: bodies.ref.collections,
    files: { site: await listFiles(site.out), bodies: await listFiles(bodies.out) },
    warnings,
    ...(keepTemp ? { temp: ctx.work } : {}),
  }
}

/** Replaces only what we own in outDir, so it can sit beside other notes. */
async function writeOutputs(outDir: string, siteOut: string, bodiesOut: string, reference: JekyllReference): Promise<void> {
  const out = resolve(outDir)
  await mkdir(out, { recursive: true })
  for (const part of ['site', 'bodies']) await rm(join(out, part), { recursive: true, force: true })
  await cp(siteOut, join(out, 'site'), { recursive: true })
  await cp(bodiesOut, join(out, 'bodies'), { recursive: true })
  await writeFile(join(out, 'reference.json'), JSON.stringify(reference, null, 2) + '\n')
}

interface Ctx {
  jekyll: string
  env: string
  work: string
  src: string
  /** The site folder we were given: error lines name it instead of the copy. */
  source: string
  name: string
  timeoutMs: number
  log: (line: string) => void
  /** Liquid tags from plugins we could not load, registered as no-ops; true = block. */
  stubTags: Map<string, boolean>
}

function findJekyll(explicit?: string): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new JekyllMissingError(`jekyll not found at ${explicit}; run: ${APT_HINT}`)
    return explicit
  }
  if (existsSync('/usr/bin/jekyll')) return '/usr/bin/jekyll'
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'jekyll'))) return join(dir, 'jekyll')
  }
  throw new JekyllMissingError(`jekyll is not installed; run: ${APT_HINT}`)
}

function keep(root: string, from: string): boolean {
  const rel = relative(root, from)
  if (rel === '') return true
  const parts = rel.split(sep)
  if (parts.some((p) => SKIP_ANYWHERE.has(p))) return false
  return !(parts.length === 1 && SKIP_AT_TOP.has(parts[0]!))
}

/** Gem names in the Gemfile's :jekyll_plugins group, which Jekyll requires via bundler. */
export function jekyllPluginsGroup(gemfile: string): string[] {
  const names: string[] = []
  const gemName = /^\s*gem\s+["']([^"']+)["']/
  let inGroup = false
  for (const line of gemfile.split('\n')) {
    if (/^\s*group\s+.*:jekyll_plugins\b.*\bdo\b/.test(line)) inGroup = true
    else if (inGroup && /^\s*end\b/.test(line)) inGroup = false
    else {
      const m = gemName.exec(line)
      if (m && (inGroup || /group:\s*(?::jekyll_plugins|\[[^\]]*:jekyll_plugins)/.test(line))) names.push(m[1]!)
    }
  }
  return names
}

// ---- asking Ruby ----------------------------------------------------------

interface Probe {
  configFiles: string[]
  config: Record<string, unknown>
  theme: string | null
  remoteTheme: string | null
  /** The installed gem standing in for remoteTheme, if any. */
  remoteThemeGem: string | null
  themeDir: string | null
  themeLayouts: string[]
  plugins: string[]
  requireOk: Record<string, boolean>
  pluginsDir: string
  layoutsDir: string
  includesDir: string
  defaultLayouts: string[]
  exclude: string[]
}

// Reads the configuration the way Jekyll does (its own code, so YAML quirks and
// defaults match) and tries to require each plugin, in a Ruby of its own.
const PROBE_RB = String.raw`
require 'jekyll'
require 'json'
src, out, extra = ARGV[0], ARGV[1], JSON.parse(ARGV[2])
Jekyll.logger.log_level = :error
conf0 = Jekyll::Configuration.new
files = conf0.config_files('source' => src).map { |f| File.expand_path(f, src) }.select { |f| File.file?(f) }
opts = { 'source' => src }
opts['config'] = files unless files.empty?
conf = Jekyll.configuration(opts)
list = ->(v) { v.is_a?(Array) ? v.map(&:to_s) : (v.is_a?(String) ? [v] : []) }
plugins = (list.(conf['plugins']) + list.(conf['gems'])).uniq
ok = {}
(plugins + extra).uniq.each do |name|
  begin
    require name
    ok[name] = true
  rescue StandardError, ScriptError
    ok[name] = false
  end
end
theme = conf['theme'].is_a?(String) ? conf['theme'] : nil
remote = conf['remote_theme'].is_a?(String) ? conf['remote_theme'] : nil
remote_gem = remote && !theme ? JSON.parse(ARGV[3])[remote.sub(/@.*\z/, '').downcase] : nil
theme_dir = nil
gem_theme = theme || remote_gem
if gem_theme
  begin
    theme_dir = Gem::Specification.find_by_name(gem_theme).gem_dir
  rescue StandardError, Gem::LoadError
    theme_dir = nil
  end
end
layouts = theme_dir ? Dir.glob(File.join(theme_dir, '_layouts', '*')).map { |f| File.basename(f, '.*') } : []
defaults = (conf['defaults'] || []).map { |d| d.is_a?(Hash) && d['values'].is_a?(Hash) ? d['values']['layout'] : nil }.compact.map(&:to_s)
keys = %w[title lang timezone url baseurl permalink paginate paginate_path excerpt_separator future show_drafts markdown highlighter collections_dir encoding]
pick = ->(v) { v.is_a?(Time) || v.is_a?(Date) ? v.to_s : v }
cfg = keys.each_with_object({}) { |k, h| h[k] = pick.(conf[k]) if conf.key?(k) }
cfg['collections'] = conf['collections'].keys if conf['collections'].is_a?(Hash)
rel = ->(d) { d.to_s.start_with?(src) ? d.to_s[(src.length + 1)..].to_s : d.to_s }
pd = conf['plugins_dir']
pd = pd.first if pd.is_a?(Array)
File.write(out, JSON.generate(
  'configFiles' => files, 'config' => cfg, 'theme' => theme, 'remoteTheme' => remote,
  'remoteThemeGem' => theme_dir ? remote_gem : nil,
  'themeDir' => theme_dir, 'themeLayouts' => layouts, 'plugins' => plugins, 'requireOk' => ok,
  'pluginsDir' => rel.(pd || '_plugins'), 'layoutsDir' => rel.(conf['layouts_dir'] || '_layouts'),
  'includesDir' => rel.(conf['includes_dir'] || '_includes'), 'defaultLayouts' => defaults,
  'exclude' => list.(conf['exclude'])
))
`

async function runProbe(ctx: Ctx, extra: string[]): Promise<Probe> {
  const script = join(ctx.work, 'probe.rb')
  const out = join(ctx.work, 'probe.json')
  await writeFile(script, PROBE_RB)
  const extraAll = unique([...extra, ...Object.values(THEME_PLUGINS).flat(), ...GITHUB_PAGES_PLUGINS])
  const args = [script, ctx.src, out, JSON.stringify(extraAll), JSON.stringify(REMOTE_THEME_GEMS)]
  const res = await run('ruby', args, ctx.src, ctx)
  if (res.code !== 0) throw new JekyllBuildError(ctx.name, firstErrorLine(res.output), res.output)
  return JSON.parse(await readFile(out, 'utf8')) as Probe
}

const PLUGIN_FILE = 'zz_kumo_reference.rb'

// Dropped into the copy's _plugins/: after Jekyll writes the site it dumps what
// it built, from its own objects, so urls and output paths are Jekyll's exact ones.
// long: the Ruby plugin's source, one template string read as the Ruby it is.
function referencePlugin(stubTags: Map<string, boolean>): string {
  const tags = [...stubTags].map(
    ([tag, block]) => `Liquid::Template.register_tag(${JSON.stringify(tag)}, ${block ? 'KumoRefStubBlock' : 'KumoRefStubTag'})`,
  )
  return String.raw`# Written by Kumo's verify:jekyll into a temporary copy of the site.
require 'json'
class KumoRefStubTag < Liquid::Tag
  def render(_context) = ''
end
class KumoRefStubBlock < Liquid::Block
  def render(_context) = ''
end
${tags.join('\n')}
# Debian's jekyll replaced upstream's SafeYAML with Psych.safe_load, which
# refuses a plain scalar such as ":PLATFORM and :THEME" (a Symbol) that
# upstream reads as the string it is. Read it upstream's way. Plugins load
# before Jekyll reads data and front matter, so this covers all but _config.yml.
module Jekyll
  module Utils
    def self.kumo_unsymbol(v)
      case v
      when Symbol then ":#{v}"
      when Hash then v.each_with_object({}) { |(k, x), h| h[kumo_unsymbol(k)] = kumo_unsymbol(x) }
      when Array then v.map { |x| kumo_unsymbol(x) }
      else v
      end
    end

    def safe_load_yaml(yaml)
      Utils.kumo_unsymbol(Psych.safe_load(yaml, permitted_classes: [Date, Time, Symbol], aliases: true))
    end
    module_function :safe_load_yaml
  end
end
# jekyll-relative-links 0.7.0 wraps a page's front-matter excerpt in a
# Jekyll::Excerpt, which asks the page for yaml_file?; Jekyll 4.3.1 pages lack
# it and the build dies (GitHub Pages' Jekyll 3.10 has it). A page never is one.
class Jekyll::Page
  unless method_defined?(:yaml_file?) || private_method_defined?(:yaml_file?)
    def yaml_file? = false
  end
end
Jekyll::Hooks.register :site, :post_write do |site|
  out = ENV['KUMO_REF_JSON']
  next unless out
  dest = site.dest
  rel = ->(p) { p.start_with?(dest + '/') ? p[(dest.length + 1)..] : p }
  iso = ->(t) { t.respond_to?(:iso8601) ? t.iso8601 : t&.to_s }
  doc = lambda do |d|
    ex = d.data['excerpt']
    {
      'path' => d.relative_path, 'url' => d.url, 'output' => rel.(d.destination(dest)), 'written' => d.write?,
      'date' => iso.(d.data['date']), 'title' => d.data['title']&.to_s, 'slug' => d.data['slug']&.to_s,
      'categories' => d.data['categories'], 'tags' => d.data['tags'], 'layout' => d.data['layout']&.to_s,
      'excerpt' => ex.respond_to?(:output) ? ex.output : ex&.to_s
    }
  end
  page = lambda do |p|
    {
      'path' => p.relative_path, 'url' => p.url, 'output' => rel.(p.destination(dest)), 'written' => p.write?,
      'kind' => p.class.name, 'title' => p.data['title']&.to_s, 'layout' => p.data['layout']&.to_s,
      'pager' => (p.respond_to?(:pager) && p.pager ? p.pager.page : nil)
    }
  end
  # StaticFile#relative_path starts with a slash, unlike pages' and documents'.
  file = ->(f) { { 'path' => f.relative_path.delete_prefix('/'), 'url' => f.url, 'output' => rel.(f.destination(dest)), 'written' => f.write? } }
  data = {
    'jekyll' => Jekyll::VERSION, 'time' => iso.(site.time),
    'posts' => site.posts.docs.map(&doc),
    'pages' => site.pages.map(&page),
    'static_files' => site.static_files.map(&file),
    'collections' => site.collections.reject { |k, _| k == 'posts' }.transform_values { |c| c.docs.map(&doc) }
  }
  File.write(out, JSON.pretty_generate(data))
end
`
}

interface BuildRef {
  jekyll: string
  posts: RefEntry[]
  pages: RefEntry[]
  static_files: RefEntry[]
  collections: Record<string, RefEntry[]>
}

// Runs jekyll build; when it fails for a reason a missing theme or plugin
// explains, patches the copy (empty include, no-op tag, empty stylesheet),
// records that, and tries again.
async function buildWithRepairs(
  ctx: Ctx,
  build: 'site' | 'bodies',
  configs: string,
  pluginsDir: string,
  dest: string,
  repairs: JekyllReference['repairs'],
): Promise<BuildRef> {
  const refJson = join(ctx.work, `ref-${build}.json`)
  for (let attempt = 0; attempt < 40; attempt++) {
    await writeFile(join(pluginsDir, PLUGIN_FILE), referencePlugin(ctx.stubTags))
    await rm(dest, { recursive: true, force: true })
    await rm(refJson, { force: true })
    ctx.log(`${ctx.name}: jekyll build (${build})${attempt ? `, retry ${attempt}` : ''}`)
    const args = ['build', '--source', ctx.src, '--destination', dest, '--config', configs]
    const res = await run(ctx.jekyll, args, ctx.src, ctx, { KUMO_REF_JSON: refJson })
    if (res.code === 0 && existsSync(refJson)) return JSON.parse(await readFile(refJson, 'utf8')) as BuildRef
    const repair = await repairFor(ctx, res.output)
    if (!repair) {
      const line = res.code === 0 ? 'jekyll exited 0 but the reference plugin did not run' : firstErrorLine(res.output)
      throw new JekyllBuildError(ctx.name, line.replaceAll(ctx.src, ctx.source), res.output)
    }
    ctx.log(`${ctx.name}: repair ${repair.kind} ${repair.name}`)
    repairs.push({ build, ...repair, error: firstErrorLine(res.output) })
  }
  throw new JekyllBuildError(ctx.name, 'too many repairs', '')
}

async function repairFor(ctx: Ctx, output: string): Promise<{ kind: string; name: string } | null> {
  // An include that the missing theme gem would have provided.
  const include = /Could not locate the included file '([^']+)' in any of \["([^"]+)"/.exec(output)
  if (include && !include[1]!.includes('..')) {
    const file = join(include[2]!, include[1]!)
    if (file.startsWith(ctx.src + sep) && !existsSync(file)) {
      await mkdir(dirname(file), { recursive: true })
      await writeFile(file, '')
      return { kind: 'empty-include', name: include[1]! }
    }
  }
  // A Liquid tag that a dropped plugin would have defined.
  const tag = /Unknown tag '([^']+)'/.exec(output)
  if (tag && !ctx.stubTags.has(tag[1]!)) {
    const block = await sourcesContain(ctx.src, `end${tag[1]}`)
    ctx.stubTags.set(tag[1]!, block)
    return { kind: block ? 'noop-block-tag' : 'noop-tag', name: tag[1]! }
  }
  // A stylesheet importing the missing theme's Sass partials.
  const sass = /Jekyll::Converters::(?:Scss|Sass) encountered an error while converting '([^']+)'/.exec(output)
  if (sass) {
    const file = join(ctx.src, sass[1]!)
    if (file.startsWith(ctx.src + sep) && existsSync(file)) {
      await writeFile(file, '---\n---\n')
      return { kind: 'empty-stylesheet', name: sass[1]! }
    }
  }
  return null
}

function firstErrorLine(output: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim())
  const at = (i: number) => {
    // "Conversion error: … while converting 'x.scss':" has its reason on the next line.
    const l = lines[i]!
    return l.endsWith(':') && lines[i + 1] ? `${l} ${lines[i + 1]}` : l
  }
  const found = (pred: (l: string) => boolean) => {
    const i = lines.findIndex(pred)
    return i < 0 ? undefined : at(i)
  }
  const hit =
    // Jekyll's own report: "Liquid Exception: …", "Conversion error: …", "Error: …"
    found((l) => /^(?:\S+ )?(?:Liquid Exception|Conversion error|Error|Fatal|ERROR):/i.test(l)) ??
    // an uncaught Ruby exception: "file:12:in `m': message (Some::Error)"
    lines.find((l) => !l.startsWith('from ') && /:in `.*\((?:\w+::)*\w+\)$/.test(l)) ??
    lines.find((l) => /\b(?:Error|Exception)\b/.test(l) && !l.startsWith('from ') && !/deprecat/i.test(l)) ??
    lines.filter(Boolean).at(-1) ??
    'no output'
  return hit.length > 400 ? `${hit.slice(0, 400)}…` : hit
}

interface RunResult {
  code: number
  output: string
}

function run(cmd: string, args: string[], cwd: string, ctx: Ctx, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, JEKYLL_ENV: ctx.env, JEKYLL_NO_BUNDLER_REQUIRE: 'true', ...extraEnv }
  // A BUNDLE_GEMFILE from the caller's shell would pull bundler back in.
  delete env.BUNDLE_GEMFILE
  delete env.RUBYOPT
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => chunks.push(b))
    child.stderr.on('data', (b: Buffer) => chunks.push(b))
    const timer = setTimeout(() => child.kill('SIGKILL'), ctx.timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      fail(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const output = Buffer.concat(chunks).toString('utf8')
      done({ code: code ?? 1, output: signal ? `${output}\nkilled by ${signal} after ${ctx.timeoutMs} ms` : output })
    })
  })
}

// ---- the site's files -------------------------------------------------------

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort()
}

async function layoutNames(dir: string): Promise<string[]> {
  return unique((await listFiles(dir)).map((f) => f.replace(/\.[^./]+$/, '')))
}

// Front matter is the YAML between a leading `---` line and the next one.
function frontMatter(text: string): string | null {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text)
  return m ? m[1]! : null
}

/** Every `layout:` named in any file's front matter (layouts' own included). */
async function referencedLayouts(src: string): Promise<string[]> {
  const names: string[] = []
  for (const file of await listFiles(src)) {
    const text = await readSmallText(join(src, file))
    const fm = text && frontMatter(text)
    if (!fm) continue
    for (const m of fm.matchAll(/^layout:[ \t]*["']?([^"'\s#]+)/gm)) {
      if (!['none', 'null', 'nil', 'false', '~'].includes(m[1]!)) names.push(m[1]!)
    }
  }
  return unique(names)
}

async function readSmallText(file: string): Promise<string | null> {
  const s = await stat(file).catch(() => null)
  if (!s?.isFile() || s.size > 2_000_000) return null
  const buf = await readFile(file)
  return buf.subarray(0, 3).toString() === '---' || buf.subarray(0, 6).toString() === '\uFEFF---' ? buf.toString('utf8') : null
}

async function sourcesContain(src: string, needle: string): Promise<boolean> {
  for (const file of await listFiles(src)) {
    if (!/\.(md|markdown|mkd|html?|liquid|xml)$/i.test(file)) continue
    if ((await readFile(join(src, file), 'utf8')).includes(needle)) return true
  }
  return false
}

// A stub prints the content inside the marker on one line, so the body between
// the tags is byte for byte what Jekyll rendered; no front matter, so no nesting.
async function writeStubLayouts(dir: string, names: string[], overwrite = true): Promise<void> {
  for (const name of names) {
    const file = join(dir, `${name}.html`)
    if (!overwrite && existsSync(file)) continue
    await mkdir(dirname(file), { recursive: true })
    await writeFile(
      file,
      `<!DOCTYPE html><html><head><meta charset="utf-8"><title>{{ page.title | escape }}</title></head><body>\n` +
        `<article data-kumo-ref="body" data-layout="${name}">{{ content }}</article>\n</body></html>\n`,
    )
  }
}

/** Adds the `date:` line as written in each post's front matter (date forms vary). */
async function withFrontMatterDates(src: string, posts: RefEntry[]): Promise<RefEntry[]> {
  return Promise.all(
    posts.map(async (p) => {
      const text = await readFile(join(src, p.path), 'utf8').catch(() => '')
      const m = /^date:[ \t]*(.*?)[ \t]*$/m.exec(frontMatter(text) ?? '')
      return m ? { ...p, frontMatterDate: m[1] } : p
    }),
  )
}

// Jekyll's PostReader: a name without a leading date is skipped outright; one
// without front matter is copied as a static file; then published: false and
// (unless future: true) dates after the build are left out.
async function postsNotBuilt(src: string, probe: Probe, ref: BuildRef): Promise<JekyllReference['postsNotBuilt']> {
  const built = new Set(ref.posts.map((p) => p.path))
  const statics = new Set(ref.static_files.map((f) => f.path))
  const root = probe.config.collections_dir ? `${String(probe.config.collections_dir).replace(/\/$/, '')}/` : ''
  const excluded = (f: string) =>
    probe.exclude.some((e) => {
      const x = e.replace(/^\/+|\/+$/g, '')
      return x && (f === x || f.startsWith(`${x}/`) || (x.includes('*') && globRe(x).test(f)))
    })
  const out: JekyllReference['postsNotBuilt'] = []
  for (const f of await listFiles(src)) {
    if (!f.startsWith(root) || !/(?:^|\/)_posts\//.test(f.slice(root.length)) || built.has(f) || excluded(f)) continue
    if (f.split('/').some((part) => part.startsWith('.') || part === '_site')) continue
    const name = f.slice(f.lastIndexOf('/') + 1)
    let reason = 'not built (reason unknown)'
    if (!/^\d{2,4}-\d{1,2}-\d{1,2}-.+\.[^.]+$/.test(name)) reason = 'file name does not start with a date'
    else if (statics.has(f)) reason = 'no front matter: copied as a static file'
    else {
      const fm = frontMatter((await readSmallText(join(src, f))) ?? '') ?? ''
      if (/^published:[ \t]*false\b/m.test(fm)) reason = 'published: false'
      else if (!probe.config.future) reason = 'dated after the build (future: false), or unreadable'
    }
    out.push({ path: f, reason })
  }
  return out
}

function globRe(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}(?:/|$)`)
}

function urls(ref: BuildRef): string[] {
  return [...ref.posts, ...ref.pages, ...ref.static_files].map((e) => e.url).sort()
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)]
}
