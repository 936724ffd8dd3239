// WebSub: a deploy to local KV tells a stand-in hub on 127.0.0.1 which feeds
// changed, once the new build is live; the feeds name the hub themselves.
import { once } from 'node:events'
import { refText } from '../../src/shared/packs.ts'
import { createServer, type Server } from 'node:http'
import { rm, writeFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deploy } from '../../scripts/deploy/deploy.ts'
import { changedTopics } from '../../scripts/deploy/websub.ts'
import { renderFeed } from '../../src/feeds/index.ts'
import { entryRecord } from '../../src/shared/keys.ts'
import { feedUpdated } from '../../src/shared/paging.ts'
import type { EntryRecord, FeedPageView, SiteRecord } from '../../src/shared/schema.ts'
import { setup } from './deploy-harness.ts'
import { routeRecord } from './route-record.ts'

const SITE = 'https://deploy.example.com'
let ctx: Awaited<ReturnType<typeof setup>>
let hub: Server
let hubUrl: string
/** What the stand-in hub received: method, content type, and the form's fields. */
const received: Array<{ method: string; type: string; form: Array<[string, string]>; at: number }> = []
let status = 204

beforeAll(async () => {
  hub = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      received.push({ method: req.method!, type: req.headers['content-type'] ?? '', form: [...new URLSearchParams(body)], at: Date.now() })
      res.writeHead(status).end()
    })
  })
  hub.listen(0, '127.0.0.1')
  await once(hub, 'listening')
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/hub`
  ctx = await setup()
  const site = join(ctx.content, 'site.yml')
  await writeFile(site, `${await readFile(site, 'utf8')}hub: ${hubUrl}\n`)
})
afterAll(async () => {
  hub.close()
  await rm(ctx.dir, { recursive: true, force: true })
})

const topics = () => received.map((r) => r.form.find(([k]) => k === 'hub.url')?.[1])

describe('WebSub on deploy', { timeout: 300_000 }, () => {
  it('advertises the hub in every feed format', async () => {
    const result = await ctx.build()
    const site = JSON.parse(refText(result.blobs, result.manifest.records.site!)!) as SiteRecord
    for (const path of ['/feed.xml', '/rss.xml', '/feed.json']) {
      const record = routeRecord<FeedPageView>(result, path)
      const items = record.items.map((p) => JSON.parse(refText(result.blobs, result.manifest.records[entryRecord(p)]!)!) as EntryRecord)
      const { body } = renderFeed(site, { ...record, updated: feedUpdated(items) }, items)
      if (path.endsWith('.json')) expect(JSON.parse(body).hubs).toEqual([{ type: 'WebSub', url: hubUrl }])
      else expect(body).toMatch(new RegExp(`<(atom:)?link rel="hub" href="${hubUrl}"/>`))
    }
  })

  it('first deploy: announces every feed, each in its own publish request, after the worker switched', async () => {
    const result = await ctx.build()
    const report = await deploy(result, { kv: ctx.kv, worker: ctx.worker })
    expect(await ctx.worker.current()).toBe(result.manifest.buildId)
    const feeds = ['/feed.json', '/feed.xml', '/rss.xml', '/tags/deploy-a/feed.json', '/tags/deploy-a/feed.xml', '/tags/deploy-b/feed.json', '/tags/deploy-b/feed.xml']
    expect(topics().sort()).toEqual(expect.arrayContaining(feeds.map((p) => `${SITE}${p}`)))
    // First pages only: later pages are not what readers subscribe to.
    expect(topics().some((t) => t?.includes('/page/'))).toBe(false)
    for (const r of received) {
      expect(r.method).toBe('POST')
      expect(r.type).toBe('application/x-www-form-urlencoded')
      expect(r.form.map(([k]) => k)).toEqual(['hub.mode', 'hub.url'])
      expect(r.form[0]).toEqual(['hub.mode', 'publish'])
    }
    expect(report.websub!.pinged.sort()).toEqual([...new Set(topics())].sort())
    expect(report.websub!.failed).toEqual([])
  })

  it('an edit announces only the feeds it changed; an unchanged redeploy announces nothing', async () => {
    received.length = 0
    await ctx.edit('2023-11-20-third.md', (t) => t.replace('Its body is what the tests edit.', 'Its body was edited for WebSub.'))
    const edited = await ctx.build()
    await deploy(edited, { kv: ctx.kv, worker: ctx.worker })
    // The third post is the newest, tagged deploy-b: the home feeds and deploy-b's, not deploy-a's.
    expect(topics().sort()).toEqual(['/feed.json', '/feed.xml', '/rss.xml', '/tags/deploy-b/feed.json', '/tags/deploy-b/feed.xml'].map((p) => `${SITE}${p}`))
    received.length = 0
    const report = await deploy(await ctx.build(), { kv: ctx.kv, worker: ctx.worker })
    expect(received).toEqual([])
    expect(report.websub!.pinged).toEqual([])
  })

  it('a hub that fails costs a warning, not the deploy', async () => {
    status = 503
    await ctx.edit('2023-11-20-third.md', (t) => t.replace('edited for WebSub.', 'edited again.'))
    const result = await ctx.build()
    const report = await deploy(result, { kv: ctx.kv, worker: ctx.worker })
    expect(await ctx.worker.current()).toBe(result.manifest.buildId)
    expect(report.websub!.pinged).toEqual([])
    expect(report.websub!.failed[0]).toMatch(/feed\.json: the hub answered 503/)
    status = 204
  })

  it('compares feeds as each build serves them now', async () => {
    const result = await ctx.build()
    expect(changedTopics(result.manifest, result.manifest, SITE, Date.now())).toEqual([])
    expect(changedTopics(undefined, result.manifest, SITE, Date.now())).toContain(`${SITE}/feed.xml`)
  })
})
