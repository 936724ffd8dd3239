/**
 * Pages a Jekyll theme or plugin generated from the posts (the home page and
 * its pagination, archives, tag and category pages, search, feeds) have their
 * Kumo equivalents under Kumo's own paths. This module finds them and maps
 * each old URL to the Kumo page that replaces it, for site.yml's `redirects:`
 * (answered with one 301 by the worker).
 */

import { ARCHIVES, CATEGORIES_INDEX, TAGS_INDEX, categoryPath, listingPath, tagPath } from '../../src/shared/paths.ts'
import { jekyllSlugify, toTerm } from '../../src/shared/slug.ts'

export interface PageInfo {
  rel: string
  url: string
  layout?: string
  title?: string
  body: string
}

const LISTING_LAYOUT = /^(home|blog|posts|paginate|archive|archives|year-archive|category|categories|category-archive|tag|tags|tag-archive|search|collection)$/i
// Liquid that reads the posts (in a loop, an assign, an output): the page lists them.
const LISTING_LIQUID = /\{[{%][^}]*\b(paginator\.posts|site\.posts|site\.tags|site\.categories)\b/
// One tag's or category's posts: `site.categories.Dev`, `site.tags['C++']`.
const ONE_TERM = /\bsite\.(categories|tags)(?:\.([\w-]+)|\[\s*['"]([^'"]+)['"]\s*\])/

/**
 * Where Kumo has what a listing page showed: one tag's or category's page when
 * it lists one (and the site has it), else judged by its layout, title and URL.
 */
export function kumoEquivalent(page: Pick<PageInfo, 'url' | 'layout' | 'title'> & { body?: string }, terms?: { tags: string[]; categories: string[] }): string {
  const one = page.body ? ONE_TERM.exec(page.body) : null
  if (one && terms) {
    const name = (one[2] ?? one[3])!.toLowerCase()
    const kind = one[1] === 'tags' ? 'tags' : 'categories'
    const found = terms[kind].find((t) => t.toLowerCase() === name)
    if (found) return kind === 'tags' ? tagPath(toTerm(found).slug) : categoryPath(toTerm(found).slug)
  }
  const hint = `${page.layout ?? ''} ${page.title ?? ''} ${page.url}`.toLowerCase()
  if (/\bsearch\b/.test(hint)) return '/search'
  if (/categor/.test(hint)) return CATEGORIES_INDEX
  if (/\btags?\b|tag-archive|\/tags?\//.test(hint)) return TAGS_INDEX
  if (/archive|year/.test(hint)) return ARCHIVES
  return '/'
}

/** True for a page that lists posts (a theme's home, archive, tag or search page) rather than saying something itself. */
export function isListing(page: PageInfo): boolean {
  if (page.layout && LISTING_LAYOUT.test(page.layout)) return true
  return LISTING_LIQUID.test(page.body)
}

export interface ListingInput {
  config: Record<string, unknown>
  /** Posts Jekyll published (not drafts, not future). */
  posts: number
  tags: string[]
  categories: string[]
  chirpy: boolean
  /** The About page's URL in Kumo, when the site has one. */
  about?: string
}

const withSlash = (p: string) => (p.endsWith('/') || /\.[a-z0-9]+$/i.test(p) ? p : `${p}/`)
const abs = (p: string) => `/${p}`.replace(/\/{2,}/g, '/')

/**
 * Old listing URLs → Kumo's: jekyll-paginate's `paginate_path` pages (default
 * `/page:num/`), jekyll-paginate-v2's, Chirpy's `/tabs/…` pages, and
 * jekyll-archives' tag and category pages when their pattern differs from
 * Kumo's `/tags/<slug>/`.
 */
export function listingRedirects(input: ListingInput): Record<string, string> {
  const { config } = input
  const out: Record<string, string> = {}
  const perPage = typeof config.paginate === 'number' && config.paginate >= 1 ? Math.floor(config.paginate) : 0
  const v2 = (config.pagination ?? {}) as { enabled?: unknown; per_page?: unknown; permalink?: unknown }
  const kumoPerPage = Math.min(100, perPage || 10)
  const kumoPages = Math.max(1, Math.ceil(input.posts / kumoPerPage))
  const add = (from: string, to: string) => {
    if (from !== to) out[from] = to
  }
  // jekyll-paginate: page n ≥ 2 at paginate_path with :num, as a folder.
  if (perPage) {
    const pattern = typeof config.paginate_path === 'string' ? config.paginate_path : '/page:num/'
    const pages = Math.ceil(input.posts / perPage)
    for (let n = 2; n <= pages; n++) add(withSlash(abs(pattern.replace(':num', String(n)))), listingPath({ type: 'home' }, Math.min(n, kumoPages)))
    // Page 1 lives where paginate_path's folder is (`/tabs/blog/` for `/tabs/blog/:num`).
    const first = withSlash(abs(pattern.slice(0, pattern.indexOf(':num')).replace(/[^/]*$/, '')))
    add(first, '/')
  }
  if (v2.enabled === true) {
    const per = typeof v2.per_page === 'number' && v2.per_page >= 1 ? v2.per_page : 10
    const pattern = typeof v2.permalink === 'string' ? v2.permalink : '/page/:num/'
    for (let n = 2; n <= Math.ceil(input.posts / per); n++) add(withSlash(abs(pattern.replace(':num', String(n)))), listingPath({ type: 'home' }, Math.min(n, kumoPages)))
  }
  if (input.chirpy) {
    add('/tabs/archives/', ARCHIVES)
    add('/tabs/tags/', TAGS_INDEX)
    add('/tabs/categories/', CATEGORIES_INDEX)
    if (input.about) add('/tabs/about/', input.about)
  }
  if (input.about && input.about !== '/about/') add('/about/', input.about)
  // jekyll-archives: /tag/:name/ and /category/:name/ unless the site says otherwise (Chirpy: /tags/…, /categories/…).
  const archives = (config['jekyll-archives'] ?? {}) as { enabled?: unknown; permalinks?: Record<string, unknown>; slug_mode?: unknown }
  // Only where jekyll-archives runs: listed in plugins, or brought by Chirpy's gem.
  const plugins = Array.isArray(config.plugins) ? config.plugins : Array.isArray(config.gems) ? config.gems : []
  const runs = input.chirpy || plugins.includes('jekyll-archives')
  const enabled = !runs ? [] : archives.enabled === 'all' ? ['tags', 'categories'] : Array.isArray(archives.enabled) ? archives.enabled : []
  const mode = (typeof archives.slug_mode === 'string' ? archives.slug_mode : 'default') as Parameters<typeof jekyllSlugify>[1]
  const archive = (kind: 'tag' | 'category', names: string[], to: (slug: string) => string) => {
    if (!enabled.includes(kind === 'tag' ? 'tags' : 'categories')) return
    const pattern = typeof archives.permalinks?.[kind] === 'string' ? (archives.permalinks[kind] as string) : `/${kind}/:name/`
    for (const name of names) add(withSlash(abs(pattern.replace(':name', jekyllSlugify(name, mode)))), to(toTerm(name).slug))
  }
  archive('tag', input.tags, tagPath)
  archive('category', input.categories, categoryPath)
  return out
}
