/**
 * Stage "history": dates what changed by comparing with the build before.
 *
 * A route's Last-Modified must be when its representation last changed, or a
 * client that revalidates with If-Modified-Since alone is told 304 for a page
 * whose ETag has moved on (RFC 9110 §13.1.3, §13.2.2: the two validators must
 * agree). Content dates cannot say that: an edit without `last_modified_at`
 * leaves every date in the post as it was. The previous build can: the deploy
 * passes the live build's manifest, `npm start` its previous rebuild's.
 *
 *   - a route whose ETag is the previous build's keeps its Last-Modified;
 *   - a route that changed, or is new, is dated by this build's clock, and
 *     always after the previous date (HTTP dates have one-second resolution,
 *     and two rebuilds may fall within one second);
 *   - with no previous build, the content's own dates stand (assemble.ts).
 *
 * Schedule steps are dated the same way against the epoch before them, at the
 * step's time. Posts get the same treatment for their feed entries: a post
 * whose source file changed was edited now (`updated` in Atom, `date_modified`
 * in JSON Feed), unless its front matter says when (`last_modified_at` wins).
 * The source hash, not the rendered HTML, decides: a Kumo upgrade that
 * re-renders every post must not tell feed readers that every post changed.
 */

import { etagOf, lastModifiedOf, setLastModified } from '../../src/shared/route-entry.ts'
import type { Manifest, PostEdit, RouteEntry } from '../../src/shared/schema.ts'
import type { Materialised } from './manifest.ts'
import type { Post } from './posts.ts'

export interface History {
  /** The previous build's routes as it served them at this build's now (due schedule steps applied). */
  routes: Record<string, RouteEntry>
  edits: Record<string, PostEdit>
}

/** What the previous build served at `nowMs`; undefined on a first build. */
export function historyOf(previous: Manifest | undefined, nowMs: number): History | undefined {
  if (!previous) return undefined
  const routes = { ...previous.routes }
  for (const step of previous.schedule) {
    if (step.at > nowMs) break
    for (const [path, entry] of Object.entries(step.routes)) {
      if (entry) routes[path] = entry
      else delete routes[path]
    }
  }
  return { routes, edits: previous.edits ?? {} }
}

/** Each post's source hash and when it was last seen edited, carried forward from `history`. */
export function postEdits(posts: Post[], history: History | undefined, nowSeconds: number): Record<string, PostEdit> {
  const edits: Record<string, PostEdit> = {}
  for (const post of posts) {
    const before = history?.edits[post.path]
    // New here, or first seen: its own dates describe it. Seen with another source: edited now.
    edits[post.path] = [post.sourceHash, !before ? 0 : before[0] === post.sourceHash ? before[1] : nowSeconds]
  }
  return edits
}

/** Epoch seconds of each post's last observed edit, for the posts that have one. */
export const editTimes = (edits: Record<string, PostEdit>): Map<string, number> =>
  new Map(Object.entries(edits).flatMap(([path, [, at]]) => (at > 0 ? [[path, at] as const] : [])))

export interface Dating {
  history: History | undefined
  edits: Record<string, PostEdit>
  /** Post path → epoch seconds of its last observed edit, for the posts that have one. */
  edited: Map<string, number>
}

/** The stage: the previous build as served now, and each post's edit carried forward. */
export function dating(posts: Post[], previous: Manifest | undefined, nowMs: number): Dating {
  const history = historyOf(previous, nowMs)
  const edits = postEdits(posts, history, Math.floor(nowMs / 1000))
  return { history, edits, edited: editTimes(edits) }
}

/**
 * Dates `after`'s routes against `before` (a previous build or epoch): kept
 * where the ETag is the same, `changedAt` (epoch seconds) where it is not.
 * Without `before` the content dates stay.
 */
export function carryDates(before: Record<string, RouteEntry> | undefined, after: Materialised, changedAt: number): void {
  if (!before) return
  for (const [path, entry] of Object.entries(after.routes)) {
    const old = before[path]
    if (old && etagOf(old) === etagOf(entry)) setLastModified(entry, lastModifiedOf(old))
    else setLastModified(entry, Math.max(changedAt, old ? lastModifiedOf(old) + 1 : 0))
  }
}
