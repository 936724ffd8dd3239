/**
 * WebSub publishing (W3C WebSub §7, as hubs implement it): once a deploy is
 * live, tell the hub site.yml names which feeds changed, so subscribers hear
 * of a new post in seconds instead of at their next poll.
 *
 * A topic is a feed's first page, the URL readers subscribe to (and what its
 * `rel="self"` link names); later pages change whenever a post is added and
 * have no subscribers. A feed changed when its ETag did, comparing the live
 * build with the new one as each serves it now. One request per topic
 * (`hub.mode=publish`, `hub.url=<topic>`, form-encoded): every hub accepts that
 * form, not every hub accepts several `hub.url` in one. The site is already
 * live when this runs, so a hub that is down costs a warning, never the deploy.
 */

import { refText } from '../../src/shared/packs.ts'
import { SITE_RECORD } from '../../src/shared/keys.ts'
import { absoluteUrl, isFeedPath } from '../../src/shared/paths.ts'
import { etagOf } from '../../src/shared/route-entry.ts'
import type { Manifest, SiteRecord } from '../../src/shared/schema.ts'
import { historyOf } from '../pipeline/history.ts'

/** Absolute URLs of the first feed pages whose representation `after` changes from `before`'s, as served at `nowMs`. */
export function changedTopics(before: Manifest | undefined, after: Manifest, siteUrl: string, nowMs: number): string[] {
  const old = historyOf(before, nowMs)?.routes ?? {}
  const current = historyOf(after, nowMs)!.routes
  return Object.entries(current)
    .filter(([path, entry]) => isFeedPath(path) && !path.includes('/page/') && (!old[path] || etagOf(old[path]) !== etagOf(entry)))
    .map(([path]) => absoluteUrl(siteUrl, path))
    .sort()
}

export interface PingReport {
  hub: string
  pinged: string[]
  /** One line each: the topic and what went wrong. */
  failed: string[]
}

const TIMEOUT_MS = 10_000

/** Publishes each topic to the hub; never throws. */
export async function pingHub(hub: string, topics: string[]): Promise<PingReport> {
  const report: PingReport = { hub, pinged: [], failed: [] }
  for (const topic of topics) {
    try {
      const res = await fetch(hub, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
      await res.arrayBuffer()
      if (res.ok) report.pinged.push(topic)
      else report.failed.push(`${topic}: the hub answered ${res.status}`)
    } catch (error) {
      report.failed.push(`${topic}: ${(error as Error).message}`)
    }
  }
  return report
}

/** What the deploy calls once the new build is live: the hub and the feeds to announce, if site.yml names a hub. */
export async function announce(before: Manifest | undefined, after: Manifest, blobs: ReadonlyMap<string, string>, nowMs: number): Promise<PingReport | undefined> {
  const siteJson = refText(blobs, after.records[SITE_RECORD] ?? '')
  const site = siteJson ? (JSON.parse(siteJson) as SiteRecord) : undefined
  if (!site?.hub) return undefined
  const topics = changedTopics(before, after, site.url, nowMs)
  return topics.length ? pingHub(site.hub, topics) : { hub: site.hub, pinged: [], failed: [] }
}
