/**
 * WebSub discovery over HTTP (W3C WebSub §4): a feed names its hub and its own
 * topic URL in `Link` headers, so a subscriber learns both from a HEAD and
 * needs no parsing. The feed documents carry the same links (atom.ts, rss.ts,
 * json-feed.ts); the deploy tells the hub what changed (scripts/deploy/websub.ts).
 */

import { absoluteUrl, isFeedPath } from '../shared/paths.ts'
import type { SiteRecord } from '../shared/schema.ts'

/** Adds `Link: <hub>; rel="hub", <topic>; rel="self"` to a feed's headers (200 and 304 alike) when site.yml names a hub. */
export function addHubLinks(headers: Headers, site: SiteRecord, path: string): void {
  if (!site.hub || !isFeedPath(path)) return
  headers.append('Link', `<${encodeURI(site.hub)}>; rel="hub", <${absoluteUrl(site.url, path)}>; rel="self"`)
}
