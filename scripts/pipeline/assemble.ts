/**
 * Stage "assemble": the posts visible at one instant become every record the
 * worker serves: post pages, paginated listings, feeds, taxonomy indexes and
 * archives. Everything is pre-paginated here so a request never looks at more
 * posts than its page shows.
 *
 * Listings and feeds hold post paths, not post data: a post's body can change
 * without rewriting every listing it appears in (the worker fetches the items
 * with one bulk KV read). The ETag of a listing still changes, because the
 * `deps` of each route feed its ETag (see manifest.ts).
 *
 * Listing and feed pages have no record of their own: each list is cut into
 * chunks counted from its oldest post (src/shared/paging.ts), and a page's
 * route names its scope record and the chunks it spans. A new post then
 * changes one chunk per list it is in, not every page of it.
 */

import { isStrict } from './embeds.ts'
import { createHash } from 'node:crypto'
import { ARCHIVES, CATEGORIES_INDEX, TAGS_INDEX, feedPath, listingPath } from '../../src/shared/paths.ts'
import { FEED_PAGE_BYTES, chunkRecord, chunksOf, pageChunks, pageCount, rangeChunks, sizedRanges } from '../../src/shared/paging.ts'
import { entryRecord, linksRecord, metaRecord } from '../../src/shared/keys.ts'
import { archivesHtml } from '../../src/shared/archives.tsx'
import type {
  ArchiveYears,
  ArchivesRecord,
  ChunkRecord,
  EntryRecord,
  FeedFormat,
  FeedScopeRecord,
  ListingScope,
  ListingScopeRecord,
  MarkdownRecord,
  PageRecord,
  PostLink,
  PostBodyRecord,
  PostLinksRecord,
  PostMetaRecord,
  RouteRecord,
  Term,
  TermsRecord,
} from '../../src/shared/schema.ts'
import { SCHEMA_VERSION } from '../../src/shared/keys.ts'
import { crawlerRoutes } from './crawler-files.ts'
import { entryOf, entryWeight } from './feed-entry.ts'
import type { Hashed } from './manifest.ts'
import { shownOf } from './shown.ts'
import { addMachineReaders } from './machine-readers.ts'
import type { Page, Post } from './posts.ts'
import type { AssemblyMemo } from './session.ts'
import { codeUnitOrder } from './sources.ts'

export const FEED_PAGE_SIZE = 20

export interface RouteOut {
  record: RouteRecord
  /** Logical names whose records shape this page (`meta:/x/`, `entry:/x/` or a post route). */
  deps: string[]
  /** Epoch seconds for Last-Modified. */
  lastModified: number
  /** A listing or feed page (`record` is its scope): the chunks it spans, newest first, the list's length, its number; a feed page its range. */
  paged?: { chunks: ChunkRecord[]; total: number; page: number; range?: { from: number; to: number; pages: number } }
}

export interface Assembly {
  routes: Map<string, RouteOut>
  records: Map<string, OwnRecord>
}

/** Records named by logical name rather than by route. */
export type OwnRecord = PostMetaRecord | PostLinksRecord | EntryRecord | MarkdownRecord

export interface AssembleOptions {
  /** The site's absolute URL (site.yml `url`), against which feed content is made absolute. */
  siteUrl: string
  /** URLs per sitemap before it is split under an index; sitemaps.org allows 50,000. */
  sitemapLimit?: number
  /** The site's language, for the archives list rendered here. */
  lang: string
  /** Posts per tag or category page (site.yml `taxonomy_paginate`); default TAXONOMY_PAGE_SIZE. */
  taxonomyPaginate?: number
  /** Post path → epoch seconds of the edit a build last saw (history.ts): the entry's `updated`. */
  edited?: Map<string, number>
  /** What earlier assemblies of this session made (session.ts). */
  memo: AssemblyMemo
}

/**
 * Chirpy lists all of a tag's posts on one page, and readers of a tag expect
 * one list; past this many a term page still paginates, so no page grows
 * without bound. Term pages show a compact list (date and title), so a
 * hundred entries weigh about what ten summaries do.
 */
export const TAXONOMY_PAGE_SIZE = 100

const seconds = (ms: number) => Math.floor(ms / 1000)
/** The newest modification among posts, in seconds (0 when none); a loop, as a spread of 100,000+ values overflows the stack. */
const newestSeconds = (posts: Post[]) => (posts.length ? seconds(posts.reduce((max, p) => Math.max(max, modifiedMs(p)), -Infinity)) : 0)
const modifiedMs = (p: Post) => Math.max(p.ms, p.updatedMs ?? 0)

function metaOf(p: Post): PostMetaRecord {
  return {
    kind: 'meta',
    v: SCHEMA_VERSION,
    path: p.path,
    title: p.title,
    date: p.date,
    day: p.day,
    updated: p.updated,
    updatedDay: p.updatedDay,
    excerpt: p.excerpt,
    tags: p.tags,
    categories: p.categories,
    readingMinutes: p.readingMinutes,
    image: p.image,
    pinned: p.pinned,
    description: p.description,
  }
}

/**
 * A post's own records, made once per post object: a rebuild in the same
 * process reuses unchanged posts (index.ts, BuildSession), and with them these
 * records and their hashes (manifest.ts).
 */
export interface OwnRecords {
  siteUrl: string
  editedAt: number | undefined
  meta: PostMetaRecord
  entry: EntryRecord
  /** What the entry adds to a feed page (feed-entry.ts). */
  weight: number
  body: PostBodyRecord
  /** The body's and entry's sums by their keys in the sums kept across processes (record-sums.ts), when the post has keys. */
  sums: Array<[key: string, sum: Hashed]>
}

/** A post's page record: what its route serves (also made alone by quick.ts, for a saved post). */
export function postBody(post: Post): PostBodyRecord {
  return {
    ...metaOf(post),
    kind: 'post',
    description: post.description,
    lang: post.lang,
    html: post.html,
    toc: post.showToc ? post.toc : [],
    scriptHashes: post.scriptHashes,
    ...(isStrict(post.csp) ? {} : { csp: post.csp }),
    source: post.source,
    ...shownOf(post),
  }
}

function ownRecords(memo: AssemblyMemo, post: Post, siteUrl: string, editedAt: number | undefined): OwnRecords {
  const known = memo.own.get(post)
  if (known?.siteUrl === siteUrl && known.editedAt === editedAt) {
    for (const [key, sum] of known.sums) memo.sums.mark(key, sum)
    return known
  }
  const sums: OwnRecords['sums'] = []
  // Each record measured by the blob it becomes, which the store then takes as it is: hashed now,
  // or named by the sum an earlier build kept (record-sums.ts), its JSON made only if read.
  const sumOf = (record: object, kind: string) => {
    const key = memo.sums.keyOf(post, kind, editedAt)
    const sum = memo.sums.hashed(record, key)
    if (key && !sums.some(([k]) => k === key)) sums.push([key, sum])
    return sum
  }
  const body = postBody(post)
  sumOf(body, 'body')
  // The entry as first made, then (a post too long for a feed) cut to its summary: two records, two sums.
  const bytesOf = (e: EntryRecord) => sumOf(e, e.truncated ? 'entry-cut' : 'entry').bytes
  const entry = entryOf(post, siteUrl, editedAt, bytesOf)
  const meta = metaOf(post)
  sumOf(meta, 'meta')
  const made = { siteUrl, editedAt, meta, entry, weight: entryWeight(entry, bytesOf(entry)), body, sums }
  memo.own.set(post, made)
  return made
}

const link = (p: Post | undefined): PostLink | null => (p ? { path: p.path, title: p.title } : null)

/**
 * A post's links record, the very object of the last assembly when its
 * neighbours are the same post objects and its related list the same list
 * (relatedOf's memo): a one-post edit then makes two or three new ones, not
 * one per post to stringify and hash again.
 */
function linksOf(memo: AssemblyMemo['links'], post: Post, prev: Post | undefined, next: Post | undefined, related: PostLink[]): PostLinksRecord {
  const known = memo.get(post)
  if (known && known.prev === prev && known.next === next && known.related === related) return known.record
  const record: PostLinksRecord = { kind: 'links', v: SCHEMA_VERSION, prev: link(prev), next: link(next), related }
  memo.set(post, { prev, next, related, record })
  return record
}

/**
 * Related posts: most shared tags first, then nearest in date. Scores live in a typed
 * array indexed by position in `sorted` (newest first), so a 10,000-post blog
 * whose big tags hold thousands of posts costs milliseconds, not a Map per post.
 */
function relatedFinder(sorted: Post[], byTag: Map<string, Post[]>): (post: Post, self: number) => PostLink[] {
  const index = new Map(sorted.map((p, i) => [p, i]))
  const lists = new Map([...byTag].map(([slug, posts]) => [slug, Int32Array.from(posts, (p) => index.get(p)!)]))
  const scores = new Int32Array(sorted.length)
  return (post, self) => {
    const touched: number[] = []
    for (const tag of post.tags) {
      for (const j of lists.get(tag.slug) ?? []) {
        if (j !== self && scores[j]!++ === 0) touched.push(j)
      }
    }
    // Top five in one pass. Among equal scores the post nearest in time wins (then the newer):
    // what a reader of an old post wants next to it, and a new post then enters only the lists
    // of posts near it in time, so publishing one does not rewrite the links of hundreds.
    const at = post.ms
    const distance = (j: number) => Math.abs(sorted[j]!.ms - at)
    const before = (a: number, b: number) => scores[b]! - scores[a]! || distance(a) - distance(b) || a - b
    const top: number[] = []
    for (const j of touched) {
      if (top.length === 5 && before(j, top[4]!) >= 0) continue
      if (top.length === 5) top.pop()
      let i = top.length
      while (i > 0 && before(j, top[i - 1]!) < 0) i--
      top.splice(i, 0, j)
    }
    for (const j of touched) scores[j] = 0
    return top.map((j) => ({ path: sorted[j]!.path, title: sorted[j]!.title }))
  }
}

/**
 * Related lists made by recent assemblies (the session's memo), by what they
 * depend on (every post's path, title, date and tags, in order): an edit to a
 * body or a description keeps them, so a rebuild in the same process does not
 * score 10,000 posts again. One entry per schedule epoch, the most recent few kept.
 */
const RELATED_MEMO_SIZE = 16

function relatedOf(relatedMemo: AssemblyMemo['related'], sorted: Post[], tagGroups: Map<string, { posts: Post[] }>): (post: Post, self: number) => PostLink[] {
  const signature = createHash('sha256')
    .update(sorted.map((p) => `${p.path}\t${p.title}\t${p.ms}\t${p.tags.map((t) => t.slug).join(',')}`).join('\n'))
    .digest('hex')
  let lists = relatedMemo.get(signature)
  if (lists) relatedMemo.delete(signature)
  else {
    const find = relatedFinder(sorted, new Map([...tagGroups].map(([slug, g]) => [slug, g.posts])))
    lists = new Map(sorted.map((p, i) => [p.path, find(p, i)]))
  }
  relatedMemo.set(signature, lists)
  if (relatedMemo.size > RELATED_MEMO_SIZE) relatedMemo.delete(relatedMemo.keys().next().value!)
  return (post) => lists.get(post.path)!
}

/** Groups posts by term slug; names that differ only in case share a slug and a page. */
function groupBy(posts: Post[], pick: (p: Post) => Term[]): Map<string, { term: Term; posts: Post[] }> {
  const groups = new Map<string, { term: Term; posts: Post[] }>()
  for (const post of posts) {
    for (const term of pick(post)) {
      const group = groups.get(term.slug) ?? { term, posts: [] }
      // Posts come one at a time, so a repeat can only be the last one added.
      if (group.posts.at(-1) !== post) group.posts.push(post)
      groups.set(term.slug, group)
    }
  }
  return groups
}

/** Feeds each listing scope gets: every format at home (jekyll-feed's /feed.xml, /rss.xml), JSON and Atom per term. */
const HOME_FEEDS: FeedFormat[] = ['json', 'atom', 'rss']
const TERM_FEEDS: FeedFormat[] = ['json', 'atom']

export function assemble(posts: Post[], pages: Page[], paginate: number, options: AssembleOptions): Assembly {
  // Newest first; ties broken by path so the order never depends on the file system.
  const sorted = [...posts].sort((a, b) => b.ms - a.ms || codeUnitOrder(a.path, b.path))
  const routes = new Map<string, RouteOut>()
  const records = new Map<string, OwnRecord>()
  // A loop, not Math.max(...xs): a spread of 100,000+ values overflows the stack.
  const newest = newestSeconds(sorted)

  const tagGroups = groupBy(sorted, (p) => p.tags)
  const categoryGroups = groupBy(sorted, (p) => p.categories)
  const related = relatedOf(options.memo.related, sorted, tagGroups)

  sorted.forEach((post, i) => {
    const { meta, entry, body } = ownRecords(options.memo, post, options.siteUrl, options.edited?.get(post.path))
    records.set(metaRecord(post.path), meta)
    records.set(entryRecord(post.path), entry)
    // Links apart from the body: a scheduled post changes its neighbours' links, never their bodies.
    records.set(linksRecord(post.path), linksOf(options.memo.links, post, sorted[i + 1], sorted[i - 1], related(post, i)))
    routes.set(post.path, { record: body, deps: [linksRecord(post.path)], lastModified: seconds(modifiedMs(post)) })
  })

  const listings: Array<{ scope: ListingScope; posts: Post[]; feeds: FeedFormat[] }> = [
    // Home: pinned posts first, as Chirpy does.
    { scope: { type: 'home' }, posts: [...sorted.filter((p) => p.pinned), ...sorted.filter((p) => !p.pinned)], feeds: HOME_FEEDS },
    ...[...tagGroups.values()].map((g) => ({ scope: { type: 'tag' as const, ...g.term }, posts: g.posts, feeds: TERM_FEEDS })),
    ...[...categoryGroups.values()].map((g) => ({ scope: { type: 'category' as const, ...g.term }, posts: g.posts, feeds: TERM_FEEDS })),
  ]
  for (const { scope, posts: items, feeds } of listings) {
    addListing(routes, options.memo.chunks, scope, items, scope.type === 'home' ? paginate : (options.taxonomyPaginate ?? TAXONOMY_PAGE_SIZE))
    addFeeds(routes, options.memo.chunks, scope, feeds, scope.type === 'home' ? sorted : items, (p) => options.memo.own.get(p)!.weight)
  }

  addMachineReaders(routes, records, sorted, options.siteUrl, options.memo, (items) => sharedChunk(options.memo.chunks, items))
  routes.set(TAGS_INDEX, termsRoute('tag', tagGroups, newest))
  routes.set(CATEGORIES_INDEX, termsRoute('category', categoryGroups, newest))
  routes.set(ARCHIVES, { record: archives(sorted, options.lang), deps: [], lastModified: newest })
  for (const page of pages) {
    const record: PageRecord = { kind: 'page', v: SCHEMA_VERSION, path: page.path, title: page.title, description: page.description, html: page.html, scriptHashes: page.scriptHashes, ...(isStrict(page.csp) ? {} : { csp: page.csp }) }
    routes.set(page.path, { record, deps: [], lastModified: newest })
  }
  // Last: the sitemap lists the pages made above.
  for (const [path, route] of crawlerRoutes(options.siteUrl, routes, sorted, options.sitemapLimit)) routes.set(path, route)
  return { routes, records }
}

/**
 * Chunk records by their items (the session's memo), shared by every list,
 * schedule epoch and rebuild in this process that holds the same chunk: the
 * one object is stringified and hashed once (manifest.ts), not once per
 * epoch. Cleared whole when it grows past a bound, which only costs a rehash.
 */
const MAX_CHUNKS = 200_000

function sharedChunk(chunks: AssemblyMemo['chunks'], items: string[]): ChunkRecord {
  const key = items.join('\n')
  let record = chunks.get(key)
  if (!record) {
    if (chunks.size >= MAX_CHUNKS) chunks.clear()
    chunks.set(key, (record = chunkRecord(items)))
  }
  return record
}

/**
 * One list's pages over its chunks. Home lists pinned posts first, so a new
 * post goes in below them, not at the top: the chunks holding the pinned posts
 * change with it, but every chunk of posts older than it still keeps its
 * content. Pinned posts are few, so that is one or two chunks, not every page.
 */
function pagesOf(memo: AssemblyMemo['chunks'], items: Post[], size: number, each: (page: number, posts: Post[], paged: NonNullable<RouteOut['paged']>) => void) {
  const chunks = chunksOf(items.map((p) => p.path), size).map((c) => sharedChunk(memo, c))
  const total = items.length
  for (let page = 1; page <= pageCount(total, size); page++) {
    const posts = items.slice((page - 1) * size, page * size)
    each(page, posts, { chunks: pageChunks(total, size, page).map((j) => chunks[j]!), total, page })
  }
}

function addListing(routes: Map<string, RouteOut>, memo: AssemblyMemo['chunks'], scope: ListingScope, items: Post[], paginate: number) {
  const record: ListingScopeRecord = { kind: 'listing-scope', v: SCHEMA_VERSION, scope, pageSize: paginate }
  pagesOf(memo, items, paginate, (page, posts, paged) => {
    const lastModified = newestSeconds(posts)
    routes.set(listingPath(scope, page), { record, deps: posts.map((p) => metaRecord(p.path)), lastModified, paged })
  })
}

/**
 * Every feed format of a scope, over one series of chunks they share. Chunks
 * are cut by count as listings are; pages by count and size (paging.ts,
 * sizedRanges), each naming its range in its entry.
 */
function addFeeds(routes: Map<string, RouteOut>, memo: AssemblyMemo['chunks'], scope: ListingScope, formats: FeedFormat[], items: Post[], weight: (p: Post) => number) {
  const records = formats.map((format): FeedScopeRecord => ({ kind: 'feed-scope', v: SCHEMA_VERSION, scope, format, pageSize: FEED_PAGE_SIZE }))
  const chunks = chunksOf(items.map((p) => p.path), FEED_PAGE_SIZE).map((c) => sharedChunk(memo, c))
  const total = items.length
  const ranges = sizedRanges(items.map(weight), FEED_PAGE_SIZE, FEED_PAGE_BYTES - FEED_HEAD_BYTES)
  ranges.forEach(([from, to], i) => {
    const posts = items.slice(from, to)
    const lastModified = newestSeconds(posts)
    // Deps are the entries, not the post routes: a neighbour's new title changes a post page, not the feed.
    const deps = posts.map((p) => entryRecord(p.path))
    const paged = { chunks: rangeChunks(total, FEED_PAGE_SIZE, from, to).map((j) => chunks[j]!), total, page: i + 1, range: { from, to, pages: ranges.length } }
    for (const record of records) routes.set(feedPath(scope, record.format, i + 1), { record, deps, lastModified, paged })
  })
}

/** Room for a feed's own head (title, links, author, hub) on a page. */
const FEED_HEAD_BYTES = 8_000

function termsRoute(taxonomy: 'tag' | 'category', groups: Map<string, { term: Term; posts: Post[] }>, lastModified: number): RouteOut {
  const terms = [...groups.values()]
    .map((g) => ({ ...g.term, count: g.posts.length }))
    .sort((a, b) => b.count - a.count || codeUnitOrder(a.slug, b.slug))
  const record: TermsRecord = { kind: 'terms', v: SCHEMA_VERSION, taxonomy, terms }
  return { record, deps: [], lastModified }
}

function archives(sorted: Post[], lang: string): ArchivesRecord {
  const years: ArchiveYears = []
  for (const post of sorted) {
    const [year, month] = post.day.split('-') as [string, string]
    let y = years.at(-1)
    if (y?.year !== year) years.push((y = { year, months: [] }))
    let m = y.months.at(-1)
    if (m?.month !== month) y.months.push((m = { month, posts: [] }))
    m.posts.push({ path: post.path, title: post.title, day: post.day })
  }
  return { kind: 'archives', v: SCHEMA_VERSION, total: sorted.length, html: archivesHtml(years, lang) }
}
