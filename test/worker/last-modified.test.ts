// Last-Modified that follows the content: the fixture build, then a second
// build two months later with one post's body edited (no last_modified_at) and
// measured against the first, as a deploy measures against the live build.
// A reader that revalidates with If-Modified-Since alone must see the edit.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import app from '../../src/index.ts'
import { DELTA_EDIT, DELTA_NOW } from '../fixture.ts'
import { ORIGIN } from './helpers.ts'

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext
const BASE = () => (JSON.parse(env.TEST_SEED) as { buildId: string }).buildId
const EDITED = () => env.TEST_DELTA_BUILD

function on(buildId: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return app.fetch(new Request(`${ORIGIN}${path}`, { headers }), { ...env, BUILD_ID: buildId }, ctx) as Promise<Response>
}

const validators = async (buildId: string, path: string) => {
  const res = await on(buildId, path)
  expect(res.status).toBe(200)
  await res.arrayBuffer()
  return { etag: res.headers.get('etag')!, lastModified: res.headers.get('last-modified')! }
}

// The edited post's own page and the feeds that carry it; a post nobody touched.
const CHANGED = [DELTA_EDIT.path, '/feed.xml', '/feed.json', '/rss.xml', '/tags/cloudflare/feed.xml']
const UNCHANGED = '/2025/02/swift-concurrency-notes/'

describe('an edited post, rebuilt against the build before', () => {
  it('gets a new Last-Modified with its new ETag, on its page and every feed that carries it', async () => {
    for (const path of CHANGED) {
      const before = await validators(BASE(), path)
      const after = await validators(EDITED(), path)
      expect(after.etag, path).not.toBe(before.etag)
      expect(Date.parse(after.lastModified), path).toBeGreaterThan(Date.parse(before.lastModified))
      expect(Date.parse(after.lastModified), path).toBe(DELTA_NOW.getTime())
    }
  })

  it('answers the old If-Modified-Since with 200 and the new text, the new one with 304', async () => {
    for (const path of CHANGED) {
      const before = await validators(BASE(), path)
      const after = await validators(EDITED(), path)
      const stale = await on(EDITED(), path, { 'If-Modified-Since': before.lastModified })
      expect(stale.status, path).toBe(200)
      expect(await stale.text(), path).toContain('zeppelin')
      const fresh = await on(EDITED(), path, { 'If-Modified-Since': after.lastModified })
      expect(fresh.status, path).toBe(304)
      // The two validators agree (RFC 9110 §13.2.2): the old ETag is refused as the old date is.
      expect((await on(EDITED(), path, { 'If-None-Match': before.etag })).status, path).toBe(200)
      expect((await on(EDITED(), path, { 'If-None-Match': after.etag })).status, path).toBe(304)
    }
  })

  it('keeps the validators of what the edit did not touch', async () => {
    const before = await validators(BASE(), UNCHANGED)
    expect(await validators(EDITED(), UNCHANGED)).toEqual(before)
    expect((await on(EDITED(), UNCHANGED, { 'If-Modified-Since': before.lastModified })).status).toBe(304)
  })

  it("dates the edit in the feed entry: Atom updated, JSON Feed date_modified, in the post's own offset", async () => {
    const feed = (await (await on(EDITED(), '/feed.json')).json()) as { items: Array<{ id: string; date_published: string; date_modified: string }> }
    const item = feed.items.find((i) => i.id.endsWith(DELTA_EDIT.path))!
    expect(item.date_published).toBe('2025-03-02T09:05:00+09:00')
    expect(item.date_modified).toBe('2025-07-01T10:00:00+09:00')
    expect(Date.parse(item.date_modified)).toBe(DELTA_NOW.getTime())
    const atom = await (await on(EDITED(), '/feed.xml')).text()
    const entry = atom.split('<entry').find((e) => e.includes(DELTA_EDIT.path))!
    expect(entry).toContain('<updated>2025-07-01T10:00:00+09:00</updated>')
    // Posts the edit did not touch keep their dates.
    const other = feed.items.find((i) => !i.id.endsWith(DELTA_EDIT.path))!
    const base = (await (await on(BASE(), '/feed.json')).json()) as typeof feed
    expect(base.items.find((i) => i.id === other.id)!.date_modified).toBe(other.date_modified)
  })
})
