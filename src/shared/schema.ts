/**
 * The contract between the build and the worker: what a build manifest and each
 * record kind hold. The build writes these shapes; the worker reads them and
 * checks `v` before trusting a record.
 *
 * Names: a `…Record` is stored, one KV blob each; a `…View` is never stored:
 * the worker puts it together from records (a listing page from its scope and
 * chunks, a post from its body and links) to render it.
 */

import type { CspSources } from './headers.ts'
import { SCHEMA_VERSION } from './keys.ts'
import type { SearchRecord } from './search.ts'

/** A route's entry: blob hash of its record, its strong ETag, Last-Modified (epoch seconds). */
export type PlainRouteEntry = [hash: string, etag: string, lastModified: number]

/**
 * A listing or feed page's entry: no record of its own, but what it is made of
 * (src/shared/paging.ts). `scope` is the blob hash of its ListingScopeRecord or
 * FeedScopeRecord; `chunks` the blob hashes of the ChunkRecords the page spans
 * (one or two, newest first, joined by `,`; empty for an empty list); `total`
 * the list's length; `page` the page number from 1. The worker rebuilds the
 * ListingView or FeedView from these with one bulk KV read.
 *
 * Why: pages of a newest-first list all shift when a post is added, so a stored
 * record per page made every page a new blob (a KV write) per new post. Chunks
 * are counted from the oldest post, so a new post changes only the newest chunk
 * of each list it is in; the page numbering lives in the manifest.
 */
export type PagedRouteEntry =
  | [scope: string, etag: string, lastModified: number, chunks: string, total: number, page: number]
  /**
   * A feed page cut by size (paging.ts, sizedRanges): its newest-first range
   * [from, to) of the list and the list's page count, which the arithmetic of
   * a fixed page size can no longer give.
   */
  | [scope: string, etag: string, lastModified: number, chunks: string, total: number, page: number, from: number, to: number, pages: number]

export type RouteEntry = PlainRouteEntry | PagedRouteEntry

/**
 * Routes and records that change at a scheduled post's publication time.
 * `null` removes an entry (never used for now, kept for symmetry).
 */
export interface ScheduleStep {
  /** Epoch milliseconds at which this step takes effect. */
  at: number
  routes: Record<string, RouteEntry | null>
  records: Record<string, string | null>
}

export interface Manifest {
  v: typeof SCHEMA_VERSION
  buildId: string
  /** ISO time the build ran. */
  builtAt: string
  /** Hash of the sources that shape rendering, part of every ETag. */
  template: string
  /** Canonical path (decoded, with trailing slash where pages have one) to its entry. */
  routes: Record<string, RouteEntry>
  /** Logical record names (`site`, `meta:<path>`) to blob hashes. */
  records: Record<string, string>
  /** Old path to canonical path: Jekyll `redirect_from`. Answered with 301. */
  redirects: Record<string, string>
  /** Steps in ascending `at` order. */
  schedule: ScheduleStep[]
  /**
   * Path → CSP hash sources of the inline scripts its HTML carries, only for
   * posts and pages that have any. Lets a 304, which reads no record, carry the
   * same Content-Security-Policy as the 200 (a browser replaces the stored
   * response's headers with a 304's, RFC 9111 §4.3.4).
   */
  scriptHashes?: Record<string, string[]>
  /** Path → what its embeds and style attributes add to its CSP, for the same reason; only pages that need any. */
  csp?: Record<string, CspSources>
  /**
   * Post path → [hash of its source file, epoch seconds when a build last saw
   * that hash change (0: not yet seen)]: how the next build dates an edit that
   * has no `last_modified_at` (scripts/pipeline/history.ts). Build-side only.
   */
  edits?: Record<string, PostEdit>
}

export type PostEdit = [source: string, editedAt: number]

export interface Term {
  name: string
  slug: string
}

export interface PostLink {
  path: string
  title: string
}

export interface TocEntry {
  depth: number
  id: string
  text: string
}

export interface ImageRef {
  src: string
  alt: string
  /** Intrinsic size, when the build could measure the file (no layout shift). */
  width?: number
  height?: number
  /** Smaller copies in modern formats made by the build, best first (`<source>` of a `<picture>`). */
  sources?: ImageSource[]
}

export interface ImageSource {
  /** MIME type: image/avif, image/webp. */
  type: string
  /** `url 480w, url 960w, …` (HTML §4.8.4.3.1). */
  srcset: string
}

/** What a listing needs of a post. Stored apart from the body so listings stay small. */
export interface PostMeta {
  path: string
  title: string
  /** RFC 3339 with the post's own offset. */
  date: string
  /** The date as the site shows it (YYYY-MM-DD in the site timezone). */
  day: string
  /** RFC 3339, when the post says when it was last modified. */
  updated?: string
  updatedDay?: string
  excerpt: string
  tags: Term[]
  categories: Term[]
  readingMinutes: number
  image?: ImageRef
  pinned: boolean
}

/**
 * Front-matter keys a post page shows as the writer wrote them, and the API
 * gives with the post. The build validates each one with the zod type that
 * `shown` in scripts/pipeline/front-matter.ts names for it (the compiler
 * holds the two to each other) and copies it here unchanged.
 */
export interface PostShown {
  /** A line under the title (front matter `subtitle`). */
  subtitle?: string
}

/** The stored post page: everything but its links to other posts. */
export interface PostBodyRecord extends PostMeta, PostShown {
  kind: 'post'
  v: typeof SCHEMA_VERSION
  description: string
  lang: string
  html: string
  toc: TocEntry[]
  /** CSP source expressions ('sha256-…') for inline scripts the post's own HTML carries. */
  scriptHashes: string[]
  /** Origins the post's embeds need and whether it has style attributes (scripts/pipeline/embeds.ts); absent when none. */
  csp?: CspSources
  /** Source file, relative to content/, for error messages and the API. */
  source: string
}

export interface PostLinks {
  prev: PostLink | null
  next: PostLink | null
  related: PostLink[]
}

/**
 * A post's previous/next and related posts, stored apart from its body under the
 * logical record `links:<path>`. They change whenever a scheduled post appears
 * next to it; kept in the body, each schedule epoch would hold its own copy of
 * the body, and one edit would rewrite all of them.
 */
export interface PostLinksRecord extends PostLinks {
  kind: 'links'
  v: typeof SCHEMA_VERSION
}

/** What the post view renders: the body with its links as of the moment served. */
export interface PostView extends PostBodyRecord, PostLinks {}

export type ListingScope =
  | { type: 'home' }
  | { type: 'tag' | 'category'; name: string; slug: string }

/**
 * A run of post paths, newest first, of one list (a listing scope in one
 * order): chunk j holds the items at oldest-first positions [j·size, (j+1)·size).
 */
export interface ChunkRecord {
  kind: 'chunk'
  v: typeof SCHEMA_VERSION
  items: string[]
}

/**
 * What the pages of a listing have in common, the `scope` of their PagedRouteEntry.
 * Stable: it changes only when the term's display name or the page size does.
 */
export interface ListingScopeRecord {
  kind: 'listing-scope'
  v: typeof SCHEMA_VERSION
  scope: ListingScope
  pageSize: number
}

/** The same for the pages of one feed format of a scope; every format shares the scope's feed chunks. */
export interface FeedScopeRecord {
  kind: 'feed-scope'
  v: typeof SCHEMA_VERSION
  scope: ListingScope
  format: FeedFormat
  pageSize: number
}

/** What the pages of /llms-full.txt share: chunks of post paths, `pageSize` to a chunk (pages are cut by size). */
export interface LlmsFullScopeRecord {
  kind: 'llms-full-scope'
  v: typeof SCHEMA_VERSION
  pageSize: number
}

export type ScopeRecord = ListingScopeRecord | FeedScopeRecord | LlmsFullScopeRecord

/** A page of /llms-full.txt as rebuilt from its entry; items resolve through `markdown:` records. */
export interface LlmsFullView {
  kind: 'llms-full'
  v: typeof SCHEMA_VERSION
  page: number
  pages: number
  items: string[]
  next: string | null
}

/**
 * A post as Markdown (`<post path>index.md`, and `markdown:<path>` for
 * /llms-full.txt): a title block, then the source's body with Liquid resolved
 * as the build resolves it for the page. Rendered once at build time.
 */
export interface MarkdownRecord {
  kind: 'markdown'
  v: typeof SCHEMA_VERSION
  path: string
  text: string
}

/**
 * One page of a paginated list of posts; items are post paths, resolved through
 * `meta:` records. Not stored: the worker rebuilds it from its PagedRouteEntry.
 */
export interface ListingView {
  kind: 'listing'
  v: typeof SCHEMA_VERSION
  scope: ListingScope
  page: number
  pages: number
  total: number
  items: string[]
  prev: string | null
  next: string | null
}

export type FeedFormat = 'json' | 'atom' | 'rss'

/**
 * One page of a feed; items are post paths, resolved through `entry:` records.
 * Not stored: the worker rebuilds it from its PagedRouteEntry (FeedPageView)
 * and computes `updated` from the entries it reads (src/shared/paging.ts).
 */
export interface FeedView {
  kind: 'feed'
  v: typeof SCHEMA_VERSION
  format: FeedFormat
  scope: ListingScope
  page: number
  pages: number
  items: string[]
  self: string
  next: string | null
  /** RFC 3339: the newest date of any item, the feed's `updated`. */
  updated: string
}

export interface SiteRecord {
  kind: 'site'
  v: typeof SCHEMA_VERSION
  title: string
  description: string
  /** Absolute origin and base path, no trailing slash: `https://example.com`. */
  url: string
  author: { name: string; url?: string; email?: string }
  lang: string
  timezone: string
  paginate: number
  /** Static asset paths produced by the build. */
  assets: { css: string; favicon?: string }
  /** A line under the title (Chirpy's `tagline`). */
  tagline?: string
  /** The owner's picture: a path under the site or an https URL. */
  avatar?: string
  /** Links to the owner elsewhere, shown with rel="me". */
  social?: SocialLink[]
  /** The author's own favicon (a path under the site), replacing Kumo's. */
  favicon?: string
  /** Comment threads under posts; absent: no comments. */
  comments?: CommentsConfig
  /** Analytics ids; each loads only when set. */
  analytics?: AnalyticsConfig
  /** The licence notice in the footer. */
  license?: { name: string; url?: string }
  /** A WebSub hub (W3C Recommendation) the feeds advertise and the deploy pings. */
  hub?: string
}

export interface SocialLink {
  name: string
  url: string
}

/**
 * Comment providers Jekyll themes use. Each keeps the old site's thread
 * mapping, so existing threads stay attached to the same pages.
 */
export type CommentsConfig =
  | { provider: 'utterances'; repo: string; issueTerm: string; label?: string; theme?: string }
  | {
      provider: 'giscus'
      repo: string
      repoId: string
      category: string
      categoryId: string
      mapping: string
      strict?: boolean
      reactions?: boolean
      inputPosition?: 'top' | 'bottom'
      lang?: string
      theme?: string
    }
  | { provider: 'disqus'; shortname: string }

export interface AnalyticsConfig {
  /** Google Analytics 4 measurement id (G-…). */
  google?: string
  /** GoatCounter site code (the `code` in code.goatcounter.com). */
  goatcounter?: string
  /** Cloudflare Web Analytics beacon token. */
  cloudflare?: string
}

/** site.yml as the build reads it: what the site record carries, and settings only the build uses. */
export type SiteConfig = Omit<SiteRecord, 'kind' | 'v' | 'assets'> & {
  permalink: string
  /**
   * `kramdown`: smart quotes, dashes and ellipses as kramdown makes them
   * (Jekyll's default); `plain`: text as written.
   */
  typography?: 'kramdown' | 'plain'
  /** How many posts a tag or category page lists before it paginates. */
  taxonomyPaginate?: number
  /** Old URL → new URL, answered with a 301 (the importer writes Jekyll's old listing URLs here). */
  redirects?: Record<string, string>
  /** KV writes the account allows a day (Workers Free: 1,000); the deploy plans against it. */
  kvWritesPerDay?: number
}

/** A standalone page from content/pages/, such as /about/. */
export interface PageRecord {
  kind: 'page'
  v: typeof SCHEMA_VERSION
  path: string
  title: string
  description: string
  html: string
  scriptHashes: string[]
  csp?: CspSources
}

/** The tags or categories index: every term with its post count. */
export interface TermsRecord {
  kind: 'terms'
  v: typeof SCHEMA_VERSION
  taxonomy: 'tag' | 'category'
  terms: Array<Term & { count: number }>
}

/** Every post by year and month, newest first. */
export type ArchiveYears = Array<{ year: string; months: Array<{ month: string; posts: Array<PostLink & { day: string }> }> }>

/**
 * What /archives/ shows. Its list is rendered at build time (src/shared/archives.tsx):
 * a page listing every post grows with the blog, and rendering ten thousand links on
 * each cache miss would cost more CPU than a Worker request may use.
 */
export interface ArchivesRecord {
  kind: 'archives'
  v: typeof SCHEMA_VERSION
  total: number
  html: string
}

/** A feed page as rebuilt from its route entry, before its entries are read. */
export type FeedPageView = Omit<FeedView, 'updated'>

/** The record a route's entry names (the first field), as stored. */
export type RouteRecord =
  | PostBodyRecord
  | ListingScopeRecord
  | FeedScopeRecord
  | PageRecord
  | TermsRecord
  | ArchivesRecord
  | SitemapRecord
  | RobotsRecord
  | LlmsRecord
  | MarkdownRecord
  | LlmsFullScopeRecord

export type AnyRecord = RouteRecord | ChunkRecord | SiteRecord | PostMetaRecord | PostLinksRecord | EntryRecord | SearchRecord

/** A route's record as the worker renders it: a post comes with its links, a listing or feed page rebuilt from its chunks. */
export type RouteView = Exclude<RouteRecord, PostBodyRecord | ScopeRecord> | PostView | ListingView | FeedPageView | LlmsFullView

export interface PostMetaRecord extends PostMeta {
  kind: 'meta'
  v: typeof SCHEMA_VERSION
  /** Front matter `description`, else the excerpt: what /llms.txt says of the post. */
  description: string
}

/**
 * What a feed entry needs of a post (`entry:<path>`), made at build time with
 * every relative href/src in `html` resolved against the post's absolute URL,
 * so feed readers, which have no base URL of their own for content, follow
 * links correctly. Kept apart from the post record so post pages do not carry
 * a second copy of their HTML.
 */
export interface EntryRecord extends Pick<PostMeta, 'path' | 'title' | 'date' | 'updated' | 'tags' | 'categories'> {
  kind: 'entry'
  v: typeof SCHEMA_VERSION
  summary: string
  lang: string
  /** The post's own authors (front matter); absent: the site's author. */
  authors?: Person[]
  /** Absolute URL of the post's image (also first in `html`). */
  image?: string
  imageAlt?: string
  /** Post HTML with absolute URLs. */
  html: string
  /** The post was too long for a feed page: `html` is its summary and a link to it. */
  truncated?: true
}

export interface Person {
  name: string
  url?: string
}

/** `/sitemap.xml` or one of its parts (sitemaps.org protocol 0.9). */
export interface SitemapRecord {
  kind: 'sitemap'
  v: typeof SCHEMA_VERSION
  /** `urlset` lists pages; `index` lists the part sitemaps once there are more than 50,000 URLs. */
  type: 'urlset' | 'index'
  /**
   * The `<url>` (or `<sitemap>`) elements, rendered and escaped at build time
   * (src/shared/sitemap.ts): a sitemap grows with the blog, and building ten
   * thousand elements on each cache miss would cost more CPU than a request may use.
   */
  body: string
}

/** A page of the sitemap as the build knows it: a decoded path and its W3C-datetime lastmod. */
export type SitemapUrl = { path: string; lastmod?: string }

/** `/robots.txt`: everything allowed, and where the sitemap is. */
export interface RobotsRecord {
  kind: 'robots'
  v: typeof SCHEMA_VERSION
  sitemap: string
}

/**
 * `/llms.txt` (llmstxt.org): the site's description and a linked list of posts.
 * Holds post paths, resolved through `meta:` records like a listing, so editing
 * a post's summary rewrites its own small record, not this list (once per
 * schedule epoch).
 */
export interface LlmsRecord {
  kind: 'llms'
  v: typeof SCHEMA_VERSION
  /** Post paths, newest first. */
  posts: string[]
}
