/**
 * Stage "quick" (npm start only): a saved post shown before the rest of the
 * build. When a save changed only what a post's own page shows (its body, as
 * a reader sees it), its new page record is patched into the previous
 * build's manifest, and the preview serves that at once; the whole build
 * follows in the same run and replaces it a few hundred ms later. This is
 * Hugo's server "fast render" idea: the page in front of the writer first.
 *
 * The patch is taken only when it gives the post's page exactly what the
 * whole build will give it: the same record and the same ETag, so the
 * open page need not reload a second time (./preview/client.ts compares
 * ETags). Hence the conditions, each checked, else no patch:
 *   - the files read afresh are a few posts, each already a page of the
 *     previous build (no new, moved or deleted post, no page or draft);
 *   - a post's record differs only in what no other record holds: its HTML,
 *     its table of contents, its subtitle. Anything a listing, a neighbour's
 *     links or a header shows (title, dates, tags, excerpt, reading time,
 *     scripts, CSP…) changes other records: the whole build does those;
 *   - the previous page's ETag comes out of the same inputs again (template,
 *     site record, record, links), so the new one is computed as
 *     materialise (manifest.ts) would compute it.
 * What the patch leaves stale until the whole build lands (a few hundred
 * ms): the post's feed entry, its Markdown twin and its search postings.
 */

import { SITE_RECORD, linksRecord } from '../../src/shared/keys.ts'
import { encodePatch } from '../../src/shared/manifest-codec.ts'
import { refText } from '../../src/shared/packs.ts'
import { etagOf, isPaged, lastModifiedOf, recordOf } from '../../src/shared/route-entry.ts'
import type { Manifest, PostBodyRecord, RouteEntry } from '../../src/shared/schema.ts'
import { postBody } from './assemble.ts'
import { blobHash, routeEtag, sha256 } from './manifest.ts'
import type { Post } from './posts.ts'
import type { Read } from './read.ts'

/** A build as the preview keeps it: the manifest and its blobs. */
export interface Built {
  manifest: Manifest
  blobs: ReadonlyMap<string, string>
}

export interface QuickInput {
  previous: Built
  /** This build's posts, as assemble will see them (after the images stage). */
  posts: Post[]
  /** Content files (relative paths) this build read afresh: the session had not seen them as they are. */
  saved: Read['fresh']
  nowMs: number
}

/**
 * The previous build with the saved posts' pages patched in; `paths`: those
 * pages. `encoded`: its stored form, as the lines it changes in the previous
 * build's (manifest-codec.ts encodePatch), which local KV holds already.
 */
export interface Quick extends Built {
  encoded: string
  paths: string[]
}

/** More saved files than this is a bulk change (a checkout, a find-and-replace): the whole build does it. */
const MAX_SAVED = 4

/** The fields of a post's record that only its own page shows. */
const OWN_FIELDS = new Set<keyof PostBodyRecord>(['html', 'toc', 'subtitle'])

/** The record's own hash (what its ETag was made from), from the ref the manifest holds. */
function ownHash(blobs: ReadonlyMap<string, string>, ref: string | undefined): string | undefined {
  const text = ref === undefined ? undefined : refText(blobs, ref)
  return text === undefined ? undefined : blobHash(text)
}

/** Same apart from OWN_FIELDS: compared key by key as JSON, the form the record is stored in. */
function sameOutside(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  for (const key of keys) {
    if (OWN_FIELDS.has(key as keyof PostBodyRecord)) continue
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) return false
  }
  return true
}

interface Patch {
  path: string
  entry: RouteEntry
  hash: string
  json: string
  source: string
}

/** One saved post's new route entry, or undefined when the patch cannot stand for the whole build. */
function patchOf(previous: Built, post: Post, nowSeconds: number): Patch | undefined {
  const { manifest, blobs } = previous
  const old = manifest.routes[post.path]
  if (!old || isPaged(old) || manifest.schedule.some((s) => post.path in s.routes)) return undefined
  const oldText = refText(blobs, recordOf(old))
  const site = ownHash(blobs, manifest.records[SITE_RECORD])
  const links = ownHash(blobs, manifest.records[linksRecord(post.path)])
  if (oldText === undefined || site === undefined || links === undefined) return undefined
  // The previous ETag, made again from its inputs: if it does not come out, neither would the new one.
  if (routeEtag(manifest.template, site, blobHash(oldText), [links]) !== etagOf(old)) return undefined
  const body = postBody(post)
  const json = JSON.stringify(body)
  if (json === oldText || !sameOutside(JSON.parse(oldText) as Record<string, unknown>, body as unknown as Record<string, unknown>)) return undefined
  const hash = blobHash(json)
  // Changed now, and after the date it had (history.ts, carryDates).
  const modified = Math.max(nowSeconds, lastModifiedOf(old) + 1)
  return { path: post.path, entry: [hash, routeEtag(manifest.template, site, hash, [links]), modified], hash, json, source: post.sourceHash }
}

export function quick(input: QuickInput): Quick | undefined {
  const { previous, saved } = input
  if (saved.length === 0 || saved.length > MAX_SAVED || saved.some((f) => f.kind !== 'post')) return undefined
  const bySource = new Map(input.posts.map((p) => [p.source, p]))
  const nowSeconds = Math.floor(input.nowMs / 1000)
  const patches: Patch[] = []
  for (const file of saved) {
    const post = bySource.get(file.path)
    const patch = post && patchOf(previous, post, nowSeconds)
    if (!patch) return undefined
    patches.push(patch)
  }
  const routes = { ...previous.manifest.routes }
  const edits = { ...previous.manifest.edits }
  const lines: Array<[string, Array<string | number>]> = []
  for (const p of patches) {
    routes[p.path] = p.entry
    lines.push([p.path, p.entry])
    // The post was edited now, as the whole build will say (history.ts, postEdits).
    if (edits[p.path]) lines.push([`@${p.path}`, (edits[p.path] = [p.source, nowSeconds])])
  }
  // Named by what it is: the build it patches and the patch (a whole build's id hashes its whole body).
  const buildId = sha256(`${previous.manifest.buildId}\n${JSON.stringify(lines)}`).slice(0, 16)
  const manifest: Manifest = { ...previous.manifest, buildId, builtAt: new Date(input.nowMs).toISOString(), routes, edits }
  const encoded = encodePatch(manifest, previous.manifest.buildId, lines)
  return { manifest, encoded, blobs: new Map(patches.map((p) => [p.hash, p.json])), paths: patches.map((p) => p.path) }
}
