// Issue 7's write budget: adding one post to a generated 300-post blog makes
// new blobs (KV writes at deploy) for the post, one or two chunks per list it
// is in, and the few indexes that name every post; not a new record for every
// listing and feed page. Every page is checked against plain newest-first
// pagination of the posts, before and after.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateCorpus } from '../../scripts/bench/corpus.ts'
import { FEED_PAGE_SIZE } from '../../scripts/pipeline/assemble.ts'
import { build, type BuildResult } from '../../scripts/pipeline/index.ts'
import { manifestBlobs } from '../../scripts/deploy/state.ts'
import { entryBlobs, pageCount } from '../../src/shared/paging.ts'
import { isPaged } from '../../src/shared/route-entry.ts'
import { feedPath, listingPath, llmsFullPath } from '../../src/shared/paths.ts'
import type { FeedFormat, FeedPageView, ListingView, ListingScope, LlmsFullView, PostMetaRecord, SiteRecord } from '../../src/shared/schema.ts'
import { useTempDirs } from '../temp-dirs.ts'
import { routeRecord } from './route-record.ts'

const tempDir = useTempDirs('kumo-stable-pages-')
const NOW = new Date('2026-01-01T00:00:00Z')
/** Term pages get their own page size (site.yml `taxonomy_paginate`), set unlike `paginate` so both are exercised. */
const TAXONOMY_PAGINATE = 7
const NEW_POST = { file: '2025-06-01-brand-new.md', tags: ['TypeScript', 'Rust'], categories: ['Tech'] }

const blob = <T>(r: BuildResult, hash: string) => JSON.parse(r.blobs.get(hash)!) as T

interface List {
  scope: ListingScope
  listing: string[]
  feed: string[]
  formats: FeedFormat[]
}

/** Every list the blog should have, in the orders the build promises, from its `meta:` records alone. */
function expectedLists(r: BuildResult): List[] {
  const metas = Object.entries(r.manifest.records)
    .filter(([name]) => name.startsWith('meta:'))
    .map(([, hash]) => blob<PostMetaRecord>(r, hash))
    .sort((a, b) => Date.parse(b.date) - Date.parse(a.date) || a.path.localeCompare(b.path))
  const paths = metas.map((m) => m.path)
  const lists: List[] = [{ scope: { type: 'home' }, listing: [...metas.filter((m) => m.pinned), ...metas.filter((m) => !m.pinned)].map((m) => m.path), feed: paths, formats: ['json', 'atom', 'rss'] }]
  for (const type of ['tag', 'category'] as const) {
    const slugs = new Set(metas.flatMap((m) => (type === 'tag' ? m.tags : m.categories).map((t) => t.slug)))
    for (const slug of slugs) {
      const having = metas.filter((m) => (type === 'tag' ? m.tags : m.categories).some((t) => t.slug === slug))
      const term = (type === 'tag' ? having[0]!.tags : having[0]!.categories).find((t) => t.slug === slug)!
      const items = having.map((m) => m.path)
      lists.push({ scope: { type, name: term.name, slug }, listing: items, feed: items, formats: ['json', 'atom'] })
    }
  }
  return lists
}

/** Checks every listing and feed page against newest-first pagination; returns how many it checked. */
function checkPages(r: BuildResult): number {
  const paginate = blob<SiteRecord>(r, r.manifest.records.site!).paginate
  let checked = 0
  for (const { scope, listing, feed, formats } of expectedLists(r)) {
    const size = scope.type === 'home' ? paginate : TAXONOMY_PAGINATE
    const pages = pageCount(listing.length, size)
    for (let page = 1; page <= pages; page++, checked++) {
      expect(routeRecord<ListingView>(r, listingPath(scope, page))).toEqual({
        kind: 'listing', v: 1, scope, page, pages, total: listing.length,
        items: listing.slice((page - 1) * size, page * size),
        prev: page > 1 ? listingPath(scope, page - 1) : null,
        next: page < pages ? listingPath(scope, page + 1) : null,
      })
    }
    const feedPages = pageCount(feed.length, FEED_PAGE_SIZE)
    for (const format of formats) {
      for (let page = 1; page <= feedPages; page++, checked++) {
        expect(routeRecord<FeedPageView>(r, feedPath(scope, format, page))).toEqual({
          kind: 'feed', v: 1, format, scope, page, pages: feedPages,
          items: feed.slice((page - 1) * FEED_PAGE_SIZE, page * FEED_PAGE_SIZE),
          self: feedPath(scope, format, page),
          next: page < feedPages ? feedPath(scope, format, page + 1) : null,
        })
      }
    }
  }
  // /llms-full.txt: pages cut by size that together list every post once, newest first.
  const all = expectedLists(r)[0]!.feed
  const full: string[] = []
  for (let page = 1, pages = 1; page <= pages; page++, checked++) {
    const record = routeRecord<LlmsFullView>(r, llmsFullPath(page))
    expect(record.kind).toBe('llms-full')
    pages = record.pages
    full.push(...record.items)
  }
  expect(full).toEqual(all)
  return checked
}

const pagedRoutes = (r: BuildResult) => Object.entries(r.manifest.routes).filter(([, e]) => isPaged(e))

describe('adding one post to a 300-post blog', () => {
  let before: BuildResult
  let after: BuildResult

  beforeAll(async () => {
    const dir = await tempDir()
    await generateCorpus(dir, 300)
    await writeFile(join(dir, 'site.yml'), `${await readFile(join(dir, 'site.yml'), 'utf8')}\ntaxonomy_paginate: ${TAXONOMY_PAGINATE}\n`)
    // Two pinned posts: home lists them first, so the new post goes in below them.
    const files = (await readdir(join(dir, 'posts'))).sort()
    let pinned = 0
    for (const name of [files[100]!, files[150]!, files[200]!, files[250]!]) {
      const text = await readFile(join(dir, 'posts', name), 'utf8')
      if (pinned === 2 || /^pin:/m.test(text)) continue
      await writeFile(join(dir, 'posts', name), text.replace('---\n', '---\npin: true\n'))
      pinned++
    }
    const options = { contentDir: dir, outDir: '', publicDir: '', now: NOW }
    before = await build(options)
    const front = ['---', 'title: Brand new', 'date: 2025-06-01 10:00:00 +0800', `tags: [${NEW_POST.tags.join(', ')}]`, `categories: [${NEW_POST.categories.join(', ')}]`, '---']
    await writeFile(join(dir, 'posts', NEW_POST.file), `${front.join('\n')}\n\nHello.\n`)
    after = await build(options)
  }, 120_000)

  it('serves every listing and feed page with the items newest-first pagination gives, before and after', () => {
    const home = routeRecord<ListingView>(before, '/')
    expect(home.items.slice(0, 2).map((p) => blob<PostMetaRecord>(before, before.manifest.records[`meta:${p}`]!).pinned)).toEqual([true, true])
    // Every paged route was checked, and no other route is a listing or feed.
    expect(checkPages(before)).toBe(pagedRoutes(before).length)
    expect(checkPages(after)).toBe(pagedRoutes(after).length)
    expect(pagedRoutes(before).length).toBeGreaterThan(300)
  })

  it('makes one or two new chunks per list the post is in, and no page records', () => {
    const fresh = [...after.blobs].filter(([hash]) => !before.blobs.has(hash)).map(([, json]) => (JSON.parse(json) as { kind: string }).kind)
    const count = (kind: string) => fresh.filter((k) => k === kind).length
    // Home, each of its tags and categories; each has a listing series and a feed series of chunks;
    // /llms-full.txt one more.
    const scopes = 1 + NEW_POST.tags.length + NEW_POST.categories.length
    const series = 2 * scopes + 1
    // Each series changes its newest chunk; home's listing, pinned posts first, may change one more.
    const chunkBound = series + 1
    // At least one: lists whose newest chunk is now just the new post share that chunk's blob.
    expect(count('chunk')).toBeGreaterThanOrEqual(1)
    expect(count('chunk')).toBeLessThanOrEqual(chunkBound)
    expect(count('listing-scope') + count('feed-scope')).toBe(0) // no new term, no renamed one
    for (const kind of ['post', 'meta', 'entry', 'markdown']) expect(count(kind), kind).toBe(1)
    // Indexes of every post: tags, categories, archives, sitemap, llms.txt.
    const indexes = count('terms') + count('archives') + count('sitemap') + count('llms')
    expect(indexes).toBeLessThanOrEqual(5)
    // Links: its own, its older neighbour's (`next`), and those of the posts it now stands among
    // the related of: related posts tie-break by nearness in date, so only posts near it in time.
    expect(count('links')).toBeGreaterThanOrEqual(2)
    expect(count('links')).toBeLessThanOrEqual(12)
    // Everything else is search (its own budget) or a post's links.
    const other = fresh.filter((k) => !k.startsWith('search') && k !== 'links')
    expect(other.length).toBeLessThanOrEqual(4 + chunkBound + 5)
    expect(other.length).toBe(4 + count('chunk') + indexes)
  })

  it('keeps the entries, ETags included, of every page of the lists the post is not in', () => {
    const untouched = expectedLists(before).filter(({ scope }) => scope.type !== 'home' && !(scope.type === 'tag' ? NEW_POST.tags : NEW_POST.categories).some((n) => n.toLowerCase() === scope.slug.toLowerCase()))
    expect(untouched.length).toBeGreaterThan(5)
    for (const { scope } of untouched) {
      for (const path of [listingPath(scope, 1), listingPath(scope, 2), feedPath(scope, 'json'), feedPath(scope, 'atom')]) {
        expect(after.manifest.routes[path], path).toEqual(before.manifest.routes[path])
      }
    }
  })

  it('names every chunk a page needs among the blobs deploy uploads and gc keeps', () => {
    const needed = new Set(pagedRoutes(after).flatMap(([, e]) => entryBlobs(e)))
    const kept = manifestBlobs(after.manifest)
    for (const hash of needed) {
      expect(kept.has(hash), hash).toBe(true)
      expect(after.blobs.has(hash), hash).toBe(true)
    }
  })
})
