/**
 * `_config.yml` → `site.yml`: the settings a reader sees, read where each
 * theme family keeps them (Chirpy, minima, Minimal Mistakes and its
 * academicpages fork, Beautiful Jekyll, Hydejack, TeXt), so the avatar,
 * links, comment threads and analytics carry over. Whatever cannot be carried
 * is one line in `notCarried`, with what to do.
 */

import type { JekyllConfig, FrontMatterDefaults } from './config.ts'

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {})
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined)

// Keys of _config.yml that site.yml takes as they are.
const SITE_KEYS = ['title', 'tagline', 'description', 'url', 'baseurl', 'lang', 'timezone'] as const
// Keys that only shape Jekyll's own build, or that this module reads: nothing left to say about them.
const HANDLED = new Set([
  ...SITE_KEYS, 'permalink', 'paginate', 'paginate_path', 'pagination', 'author', 'social', 'defaults', 'plugins', 'gems', 'whitelist', 'collections', 'collections_dir',
  'excerpt_separator', 'markdown', 'kramdown', 'highlighter', 'exclude', 'include', 'keep_files', 'sass', 'compress_html', 'source', 'destination', 'incremental',
  'encoding', 'future', 'show_drafts', 'livereload', 'safe', 'strict_front_matter', 'liquid', 'webrick', 'jekyll-archives', 'theme', 'remote_theme', 'avatar',
  'github', 'twitter', 'github_username', 'twitter_username', 'linkedin_username', 'minima', 'social-network-links', 'comments', 'disqus', 'utterances', 'giscus',
  'analytics', 'google_analytics', 'gtag', 'goatcounter', 'repository', 'favicon', 'pwa', 'subtitle', 'email', 'cdn', 'img_cdn', 'theme_mode', 'toc', 'logo',
  'name', 'sitemap', 'feed', 'jekyll-seo-tag', 'seo', 'webmaster_verifications', 'google_site_verification', 'social_preview_image', 'assets', 'https', 'port', 'host',
])

export interface Settings {
  site: Obj
  notCarried: string[]
}

const social = (name: string, url: string) => ({ name, url })

/** Links to the author elsewhere, from every place themes keep them; first wins per URL. */
function socialLinks(config: JekyllConfig): Array<{ name: string; url: string }> {
  const links: Array<{ name: string; url: string }> = []
  const user = (v: unknown) => str(obj(v).username) ?? str(v)
  const gh = user(config.github) ?? str(config.github_username) ?? str(obj(config.author).github) ?? str(obj(config['social-network-links']).github)
  const tw = user(config.twitter) ?? str(config.twitter_username) ?? str(obj(config.author).twitter) ?? str(obj(config['social-network-links']).twitter)
  if (gh && !gh.includes('/')) links.push(social('GitHub', `https://github.com/${gh}`))
  if (tw && !tw.includes('/')) links.push(social('Twitter', `https://twitter.com/${tw.replace(/^@/, '')}`))
  const li = str(config.linkedin_username) ?? str(obj(config.author).linkedin) ?? str(obj(config['social-network-links']).linkedin)
  if (li && !li.includes('/')) links.push(social('LinkedIn', `https://www.linkedin.com/in/${li}`))
  for (const url of Array.isArray(obj(config.social).links) ? (obj(config.social).links as unknown[]) : []) {
    const u = str(url)
    if (u && /^https?:\/\//.test(u)) links.push(social(new URL(u).hostname.replace(/^www\./, ''), u))
  }
  // Minimal Mistakes: author.links [{label, url}]; minima 3: minima.social_links [{platform, user_url}].
  for (const l of [...(Array.isArray(obj(config.author).links) ? (obj(config.author).links as unknown[]) : []), ...(Array.isArray(obj(config.minima).social_links) ? (obj(config.minima).social_links as unknown[]) : [])]) {
    const u = str(obj(l).url) ?? str(obj(l).user_url)
    if (u && /^https?:\/\//.test(u)) links.push(social(str(obj(l).label) ?? str(obj(l).platform) ?? new URL(u).hostname, u))
  }
  const email = str(obj(config.social).email) ?? str(config.email) ?? str(obj(config.author).email)
  if (email && /^[^@\s]+@[^@\s]+$/.test(email)) links.push(social('Email', `mailto:${email}`))
  const seen = new Set<string>()
  return links.filter((l) => !seen.has(l.url) && seen.add(l.url))
}

/** Comment threads, so old ones stay attached: the same repository and the same page-to-thread mapping. */
function comments(config: JekyllConfig, notCarried: string[]): Obj | undefined {
  const c = obj(config.comments)
  // Chirpy ≥ 6 `provider`, Chirpy 5 `active`; Minimal Mistakes `provider`.
  const provider = str(c.provider) ?? str(c.active) ?? (str(config.disqus) || str(obj(config.disqus).shortname) ? 'disqus' : undefined) ?? (Object.keys(obj(config.utterances)).length ? 'utterances' : undefined) ?? (Object.keys(obj(config.giscus)).length ? 'giscus' : undefined)
  if (!provider || provider === 'false') return undefined
  const repoOf = (...vs: unknown[]) => vs.map(str).find((v) => v && /^[\w.-]+\/[\w.-]+$/.test(v))
  if (provider === 'utterances') {
    const u = { ...obj(config.utterances), ...obj(c.utterances) }
    const repo = repoOf(u.repo, u.repository, config.repository)
    if (!repo) return void notCarried.push('comments (utterances): no repository found; set `comments: {provider: utterances, repo: owner/name}` in site.yml')
    return { provider, repo, issue_term: str(u.issue_term) ?? str(u['issue-term']) ?? 'pathname', ...(str(u.label) ? { label: str(u.label) } : {}), ...(str(u.theme) ? { theme: str(u.theme) } : {}) }
  }
  if (provider === 'giscus') {
    const g = { ...obj(config.giscus), ...obj(c.giscus) }
    const out = {
      provider,
      repo: repoOf(g.repo, g.repository, config.repository),
      repo_id: str(g.repo_id) ?? str(g['repository-id']),
      category: str(g.category) ?? str(g.category_name),
      category_id: str(g.category_id) ?? str(g['category-id']),
      mapping: str(g.mapping) ?? str(g.discussion_term) ?? 'pathname',
      ...(typeof g.strict === 'boolean' ? { strict: g.strict } : g.strict === 1 || g.strict === '1' ? { strict: true } : {}),
      ...(typeof g.reactions_enabled === 'boolean' ? { reactions_enabled: g.reactions_enabled } : {}),
      ...(g.input_position === 'top' || g.input_position === 'bottom' ? { input_position: g.input_position } : {}),
      ...(str(g.lang) ? { lang: str(g.lang) } : {}),
      ...(str(g.theme) ? { theme: str(g.theme) } : {}),
    }
    const missing = (['repo', 'repo_id', 'category', 'category_id'] as const).filter((k) => !out[k])
    if (missing.length) return void notCarried.push(`comments (giscus): ${missing.join(', ')} not set in _config.yml; copy them from giscus.app into site.yml's \`comments:\``)
    return out
  }
  if (provider === 'disqus') {
    const shortname = str(obj(c.disqus).shortname) ?? str(obj(config.disqus).shortname) ?? str(config.disqus)
    if (!shortname) return void notCarried.push('comments (disqus): no shortname found; set `comments: {provider: disqus, shortname: …}` in site.yml')
    return { provider, shortname }
  }
  notCarried.push(`comments (${provider}): Kumo embeds utterances, giscus and Disqus only; move the threads to one of them or keep the old site's comments read-only`)
  return undefined
}

/** Analytics ids Kumo can load: GA4, GoatCounter, Cloudflare Web Analytics. */
function analytics(config: JekyllConfig, notCarried: string[]): Obj | undefined {
  const a = obj(config.analytics)
  const out: Obj = {}
  const google = str(obj(a.google).id) ?? str(obj(a.google).tracking_id) ?? str(a.google) ?? str(obj(config.google_analytics).id) ?? str(config.google_analytics) ?? str(config.gtag)
  if (google && /^G-[A-Z0-9]+$/.test(google)) out.google = google
  else if (google && /^UA-/.test(google)) notCarried.push(`analytics: ${google} is Universal Analytics, which Google switched off in 2023; create a GA4 property and set \`analytics: {google: G-…}\` in site.yml`)
  else if (google) notCarried.push(`analytics: Google id ${google} is not a GA4 id (G-…); set \`analytics: {google: G-…}\` in site.yml`)
  const goat = str(obj(a.goatcounter).id) ?? str(config.goatcounter)
  if (goat) out.goatcounter = goat
  const cf = str(obj(a.cloudflare).id)
  if (cf) out.cloudflare = cf
  for (const other of ['umami', 'matomo', 'fathom', 'plausible', 'baidu', 'cnzz'] as const) {
    if (Object.values(obj(a[other])).some((v) => str(v))) notCarried.push(`analytics: ${other} is not one Kumo loads (GA4, GoatCounter, Cloudflare); add its script to a page, or switch`)
  }
  return Object.keys(out).length ? out : undefined
}

/** The author, from `author:` or Chirpy's `social:` name and email. */
function author(config: JekyllConfig): Obj | string | undefined {
  const a = config.author
  if (typeof a === 'string' && a.trim()) return a.trim()
  const name = str(obj(a).name) ?? str(obj(config.social).name) ?? str(config.name)
  if (!name) return undefined
  const email = str(obj(a).email) ?? str(obj(config.social).email)
  const url = str(obj(a).url) ?? str(obj(a).uri) ?? (Array.isArray(obj(config.social).links) ? str((obj(config.social).links as unknown[])[0]) : undefined)
  return { name, ...(email ? { email } : {}), ...(url && /^https?:\/\//.test(url) ? { url } : {}) }
}

/** The post permalink: Chirpy and others set it in front-matter defaults for posts. */
export function postPermalink(config: JekyllConfig, defaults: FrontMatterDefaults): string {
  const fromDefaults = str(defaults.valuesFor('_posts/x.md', 'posts').permalink)
  return fromDefaults ?? str(config.permalink) ?? 'date'
}

export function settings(config: JekyllConfig, defaults: FrontMatterDefaults, files: { favicon?: string }): Settings {
  const notCarried: string[] = []
  const site: Obj = {}
  for (const key of SITE_KEYS) {
    const v = str(config[key])
    if (v !== undefined) site[key] = v
  }
  if (site.tagline === undefined && str(config.subtitle)) site.tagline = str(config.subtitle)
  const who = author(config)
  if (who) site.author = who
  // `:path` is filled into each post by the importer; the site-wide pattern keeps what Kumo can read.
  site.permalink = postPermalink(config, defaults).includes(':path') ? '/:year/:month/:day/:title/' : postPermalink(config, defaults)
  if (typeof config.paginate === 'number' && config.paginate >= 1) site.paginate = Math.min(100, Math.floor(config.paginate))
  const avatar = str(config.avatar) ?? str(obj(config.author).avatar)
  if (avatar) site.avatar = avatar
  const links = socialLinks(config)
  if (links.length) site.social = links
  const favicon = str(config.favicon) ?? files.favicon
  if (favicon) site.favicon = favicon
  const c = comments(config, notCarried)
  if (c) site.comments = c
  const a = analytics(config, notCarried)
  if (a) site.analytics = a

  if (site.timezone === undefined) {
    site.timezone = 'UTC'
    notCarried.push("timezone: _config.yml has none, so Jekyll used the build machine's (UTC on GitHub Pages); site.yml says UTC, change it if your builds ran elsewhere")
  }
  if (site.url === undefined || !/^https?:\/\//.test(String(site.url))) {
    site.url = 'https://example.com'
    notCarried.push('url: _config.yml has none; site.yml says https://example.com, set your real address')
  }
  if (site.title === undefined) site.title = str(obj(config.author).name) ?? 'My blog'
  if (config.excerpt_separator !== undefined) notCarried.push('excerpt_separator: set `excerpt_separator` in each post that needs it (Kumo reads `<!--more-->` by default)')
  for (const key of ['plugins', 'gems', 'whitelist']) {
    const list = config[key]
    if (Array.isArray(list) && list.length) notCarried.push(`${key}: ${list.join(', ')} (Jekyll plugins do not run here; Kumo does pagination, feeds, sitemap, SEO tags and redirect_from itself)`)
  }
  const ignored = Object.keys(config).filter((k) => !HANDLED.has(k))
  if (ignored.length) notCarried.push(`_config.yml keys with no equivalent: ${ignored.join(', ')}`)
  return { site, notCarried }
}
