/**
 * The contract between the build and the worker: what a build manifest and each
 * record kind hold. The build writes these shapes; the worker reads them and
 * checks `v` before trusting a record.
 */

import { SCHEMA_VERSION } from './keys.ts'
import type { SearchRecord } from './search.ts'

/** A route's entry: blob hash of its record, its strong ETag, Last-Modified (epoch seconds). */
export type RouteEntry = [hash: string, etag: string, lastModified: number]

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
}

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

export interface PostRecord extends PostMeta {
  kind: 'post'
  v: typeof SCHEMA_VERSION
  description: string
  lang: string
  html: string
  toc: TocEntry[]
  prev: PostLink | null
  next: PostLink | null
  related: PostLink[]
  /** CSP source expressions ('sha256-…') for inline scripts the post's own HTML carries. */
  scriptHashes: string[]
  /** Source file, relative to content/, for error messages and the API. */
  source: string
}

export type ListingScope =
  | { type: 'home' }
  | { type: 'tag' | 'category'; name: string; slug: string }

/** One page of a paginated list of posts; items are post paths, resolved through `meta:` records. */
export interface ListingRecord {
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

/** One page of a feed; items are post paths, resolved to full post records. */
export interface FeedRecord {
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
}

export type SiteConfig = Omit<SiteRecord, 'kind' | 'v' | 'assets'> & { permalink: string }

/** A standalone page from content/pages/, such as /about/. */
export interface PageRecord {
  kind: 'page'
  v: typeof SCHEMA_VERSION
  path: string
  title: string
  description: string
  html: string
  scriptHashes: string[]
}

/** The tags or categories index: every term with its post count. */
export interface TermsRecord {
  kind: 'terms'
  v: typeof SCHEMA_VERSION
  taxonomy: 'tag' | 'category'
  terms: Array<Term & { count: number }>
}

/** Every post by year and month, newest first: what /archives/ shows. */
export interface ArchivesRecord {
  kind: 'archives'
  v: typeof SCHEMA_VERSION
  years: Array<{ year: string; months: Array<{ month: string; posts: Array<PostLink & { day: string }> }> }>
}

export type RouteRecord = PostRecord | ListingRecord | FeedRecord | PageRecord | TermsRecord | ArchivesRecord

export type AnyRecord = RouteRecord | SiteRecord | PostMetaRecord | SearchRecord

export interface PostMetaRecord extends PostMeta {
  kind: 'meta'
  v: typeof SCHEMA_VERSION
}
