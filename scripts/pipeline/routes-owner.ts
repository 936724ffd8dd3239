/**
 * Every route the build serves has one owner. Posts, pages, redirects and
 * static files are claimed by the files that make them; listings, tag and
 * category pages, feeds, the sitemap, search, the API and the build's own
 * files are claimed by the build. Two claims on one route stop the build with
 * a line naming both, instead of one silently replacing the other (a post at
 * `/tags/` used to take the tags index's place, and both answered 503).
 *
 * Paths compare NFC-normalised (the worker normalises request paths too), so
 * an NFD file name and an NFC permalink are one route.
 */

import { ARCHIVES, CATEGORIES_INDEX, LLMS, ROBOTS, SEARCH, SITEMAP, TAGS_INDEX, llmsFullPath, markdownPath } from '../../src/shared/paths.ts'
import { toTerm } from '../../src/shared/slug.ts'
import { BuildError, BuildErrors } from './errors.ts'
import type { Page, Post } from './posts.ts'

export interface RouteClaims {
  posts: Post[]
  pages: Page[]
  /** Paths of the files copied into public/ (content/static/ and content/assets/), as served. */
  statics: Array<{ path: string; source: string }>
}

const FIXED: Record<string, string> = {
  '/': 'the home page',
  [TAGS_INDEX]: 'the tags index',
  [CATEGORIES_INDEX]: 'the categories index',
  [ARCHIVES]: 'the archives page',
  [SITEMAP]: 'the sitemap',
  [ROBOTS]: 'robots.txt',
  [LLMS]: 'llms.txt',
  [llmsFullPath(1)]: 'llms-full.txt',
  [SEARCH]: 'the search page',
  '/favicon.svg': 'the favicon',
  '/_headers': 'the static-assets headers file',
}

// What feedPath (src/shared/paths.ts) makes under a scope's base.
const FEED_FILE = /^\/(?:feed(?:\/page\/[1-9]\d*)?\.(?:xml|json)|rss(?:\/page\/[1-9]\d*)?\.xml)$/

/** The generated route a path is, for the scopes (home, each tag and category) the posts make; else undefined. */
function generatedOwner(path: string, scopes: Map<string, string>): string | undefined {
  if (FIXED[path]) return FIXED[path]
  if (/^\/api(\/|$)/.test(path)) return 'the JSON API'
  if (path.startsWith('/_kumo/')) return "the build's stylesheet folder"
  if (/^\/sitemaps\/\d+\.xml$/.test(path)) return 'a sitemap part'
  if (/^\/llms-full\/page\/\d+\.txt$/.test(path)) return 'a page of llms-full.txt'
  // A listing page or a feed under a scope's base: `/page/2/`, `/tags/ai/`, `/tags/ai/feed.xml`…
  for (const [base, name] of listingBases(path, scopes)) {
    const rest = path.slice(base.length - 1)
    if (rest === '/') return name
    if (/^\/page\/\d+\/$/.test(rest)) return `a page of ${name}`
    if (FEED_FILE.test(rest)) return `a feed of ${name}`
  }
  return undefined
}

/** The scope bases a path can sit under: the home page's `/`, and its first one or two segments'. */
function* listingBases(path: string, scopes: Map<string, string>): Generator<[string, string]> {
  const parts = path.split('/')
  for (const n of [3, 2]) {
    const base = `${parts.slice(0, n).join('/')}/`
    if (scopes.has(base)) yield [base, scopes.get(base)!]
  }
  yield ['/', 'the home page']
}

/**
 * What Kumo itself serves at `path` (the home page, an index, a listing, a feed,
 * robots.txt…) for a blog with these tag and category names; else undefined.
 * The importer uses it to leave out a theme's page or file at such a path.
 */
export function generatedRoute(path: string, terms: { tags: Iterable<string>; categories: Iterable<string> }): string | undefined {
  const scopes = new Map<string, string>()
  for (const name of terms.tags) scopes.set(`/tags/${toTerm(name).slug.normalize('NFC')}/`, `the tag page of "${name}"`)
  for (const name of terms.categories) scopes.set(`/categories/${toTerm(name).slug.normalize('NFC')}/`, `the category page of "${name}"`)
  return generatedOwner(path.normalize('NFC'), scopes)
}

/**
 * Refuses any route claimed twice, naming both claims; one line per collision.
 * A `redirect_from` path that is already a route or another redirect is not an
 * error but a warning: the route keeps its owner and the old path is left out,
 * as Jekyll's own output resolves it (imported sites have such pairs).
 * Returns those warnings, one line each.
 */
export function checkRouteOwners(claims: RouteClaims): string[] {
  const scopes = new Map<string, string>()
  for (const post of claims.posts) {
    for (const t of post.tags) scopes.set(`/tags/${t.slug.normalize('NFC')}/`, `the tag page of "${t.name}"`)
    for (const c of post.categories) scopes.set(`/categories/${c.slug.normalize('NFC')}/`, `the category page of "${c.name}"`)
  }
  const owners = new Map<string, string>()
  const errors: BuildError[] = []
  const warnings: string[] = []
  const claim = (rawPath: string, source: string, what: string, fix: string, label: string) => {
    const path = rawPath.normalize('NFC')
    const other = owners.get(path) ?? generatedOwner(path, scopes)
    if (other) errors.push(new BuildError(source, `${what} ${path}, which is already ${other}; ${fix}`))
    else owners.set(path, label)
  }
  for (const post of claims.posts) {
    claim(post.path, post.source, 'has the URL', 'change its permalink, slug or date', `the URL of ${post.source}`)
    claim(markdownPath(post.path), post.source, 'has its Markdown copy at', 'change its permalink', `the Markdown copy of ${post.source}`)
  }
  for (const page of claims.pages) claim(page.path, page.source, 'has the URL', 'rename the page or give it another permalink', `the URL of ${page.source}`)
  for (const file of claims.statics) claim(file.path, file.source, 'is served at', 'rename or remove the file', `the static file ${file.source}`)
  for (const item of [...claims.posts, ...claims.pages]) {
    for (const raw of item.redirectFrom) {
      const from = raw.normalize('NFC')
      const other = owners.get(from) ?? generatedOwner(from, scopes)
      if (other) warnings.push(`${item.source}: \`redirect_from\` names ${from}, which is already ${other}; that path keeps it, so the redirect is left out`)
      else owners.set(from, `a redirect_from of ${item.source}`)
    }
  }
  if (errors.length) throw new BuildErrors(errors)
  return warnings
}
