// Entries as readers expect them: an author on every entry, the cover image
// first in the content and where each format has a place for it, the site's
// pictures as the feed's icon and logo. Read back by feedparser (Atom, RSS)
// and as JSON (JSON Feed 1.1 field names).
import { spawnSync } from 'node:child_process'
import { refText } from '../../src/shared/packs.ts'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type BuildResult } from '../../scripts/pipeline/index.ts'
import { renderFeed } from '../../src/feeds/index.ts'
import { entryRecord } from '../../src/shared/keys.ts'
import { feedUpdated } from '../../src/shared/paging.ts'
import type { EntryRecord, FeedPageView, SiteRecord } from '../../src/shared/schema.ts'
import { routeRecord } from './route-record.ts'

let dir: string
let result: BuildResult
let site: SiteRecord

const post = (name: string, front: string, body = 'Body text.') => writeFile(join(dir, 'posts', name), `---\n${front}\n---\n\n${body}\n`)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kumo-entries-'))
  await mkdir(join(dir, 'posts'), { recursive: true })
  await writeFile(join(dir, 'site.yml'), 'title: Entries\nurl: https://entries.example\nauthor: { name: Site Owner, url: https://owner.example/ }\nlang: en\ntimezone: UTC\navatar: /assets/img/me.png\nfavicon: /favicon.ico\n')
  await post('2024-01-01-by-guest.md', 'title: By a guest\nauthor: { name: Guest "G" <Writer>, url: https://guest.example/ }\nimage: { path: /assets/img/cover.png, alt: A cover & more }')
  await post('2024-01-02-by-two.md', 'title: By two\nauthors: [Ann, Bob]')
  await post('2024-01-03-by-owner.md', 'title: By the owner')
  result = await build({ contentDir: dir, outDir: '', publicDir: '', now: new Date('2025-01-01T00:00:00Z') })
  site = JSON.parse(refText(result.blobs, result.manifest.records.site!)!) as SiteRecord
})
afterAll(() => rm(dir, { recursive: true, force: true }))

function served(path: string): string {
  const record = routeRecord<FeedPageView>(result, path)
  const items = record.items.map((p) => JSON.parse(refText(result.blobs, result.manifest.records[entryRecord(p)]!)!) as EntryRecord)
  return renderFeed(site, { ...record, updated: feedUpdated(items) }, items).body
}

const FEEDPARSER = `
import sys, json, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({'bozo': bool(d.bozo), 'exception': str(d.get('bozo_exception', '')),
  'icon': d.feed.get('icon'), 'logo': d.feed.get('logo'), 'image': d.feed.get('image', {}).get('href'),
  'entries': [{'title': e.title, 'authors': [a.get('name') for a in e.get('authors', [])], 'author': e.get('author'),
               'thumbnail': [t.get('url') for t in e.get('media_thumbnail', [])], 'content': (e.get('content') or [{}])[0].get('value')} for e in d.entries]}))`

function feedparser(doc: string) {
  const run = spawnSync('/usr/bin/python3', ['-c', FEEDPARSER], { input: doc, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(run.stderr)
  return JSON.parse(run.stdout) as { bozo: boolean; exception: string; icon?: string; logo?: string; image?: string; entries: Array<{ title: string; authors: string[]; author?: string; thumbnail: string[]; content: string }> }
}

const byTitle = <T extends { title: string }>(list: T[], title: string) => list.find((e) => e.title === title)!

describe('feed entries', () => {
  it('Atom: an author on every entry, the cover first in the content and as media:thumbnail, icon and logo', () => {
    const d = feedparser(served('/feed.xml'))
    expect(d.bozo, d.exception).toBe(false)
    expect(byTitle(d.entries, 'By a guest').authors).toEqual(['Guest "G" <Writer>'])
    expect(byTitle(d.entries, 'By two').authors).toEqual(['Ann', 'Bob'])
    expect(byTitle(d.entries, 'By the owner').authors).toEqual(['Site Owner'])
    const guest = byTitle(d.entries, 'By a guest')
    expect(guest.thumbnail).toEqual(['https://entries.example/assets/img/cover.png'])
    expect(guest.content).toMatch(/^<p><img (src="https:\/\/entries\.example\/assets\/img\/cover\.png" alt="A cover &amp; more"|alt="A cover &amp; more" src="https:\/\/entries\.example\/assets\/img\/cover\.png")/)
    expect(byTitle(d.entries, 'By the owner').thumbnail).toEqual([])
    expect(d.icon).toBe('https://entries.example/favicon.ico')
    expect(d.logo).toBe('https://entries.example/assets/img/me.png')
  })

  it('RSS: dc:creator on every item, the cover as media:thumbnail, the avatar as the channel image', () => {
    const d = feedparser(served('/rss.xml'))
    expect(d.bozo, d.exception).toBe(false)
    expect(byTitle(d.entries, 'By a guest').author).toBe('Guest "G" <Writer>')
    expect(byTitle(d.entries, 'By the owner').author).toBe('Site Owner')
    expect(byTitle(d.entries, 'By a guest').thumbnail).toEqual(['https://entries.example/assets/img/cover.png'])
    expect(d.image).toBe('https://entries.example/assets/img/me.png')
  })

  it('JSON Feed: authors per item, image, icon and favicon', () => {
    const feed = JSON.parse(served('/feed.json')) as { icon: string; favicon: string; items: Array<{ title: string; authors: Array<{ name: string; url?: string }>; image?: string; content_html: string }> }
    expect(feed.icon).toBe('https://entries.example/assets/img/me.png')
    expect(feed.favicon).toBe('https://entries.example/favicon.ico')
    expect(byTitle(feed.items, 'By a guest').authors).toEqual([{ name: 'Guest "G" <Writer>', url: 'https://guest.example/' }])
    expect(byTitle(feed.items, 'By two').authors).toEqual([{ name: 'Ann' }, { name: 'Bob' }])
    expect(byTitle(feed.items, 'By the owner').authors).toEqual([{ name: 'Site Owner', url: 'https://owner.example/' }])
    expect(byTitle(feed.items, 'By a guest').image).toBe('https://entries.example/assets/img/cover.png')
    expect(byTitle(feed.items, 'By a guest').content_html.startsWith('<p><img src="https://entries.example/assets/img/cover.png" alt="A cover &amp; more"></p>')).toBe(true)
  })

  it('refuses an author that is not a name, naming the file and line', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'kumo-entries-bad-'))
    try {
      await mkdir(join(bad, 'posts'), { recursive: true })
      await writeFile(join(bad, 'site.yml'), 'title: Bad\nurl: https://bad.example\n')
      await writeFile(join(bad, 'posts', '2024-01-01-x.md'), '---\ntitle: X\nauthor: { url: https://x.example/ }\n---\nBody\n')
      const error = await build({ contentDir: bad, outDir: '', publicDir: '' }).catch((e: Error) => e)
      expect((error as Error).message).toMatch(/^posts\/2024-01-01-x\.md:3: `author` .*; write a name \(`author: Jane Doe`\)/)
    } finally {
      await rm(bad, { recursive: true, force: true })
    }
  })
})
