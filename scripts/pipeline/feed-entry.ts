/**
 * A post as a feed entry (EntryRecord), made once per post at build time:
 *   - its HTML made absolute against its own URL (RFC 3986 §5), since feed
 *     readers have no base URL of their own for content;
 *   - its cover image (`image:`) first in the content, where every reader
 *     shows it, and as the entry's image for formats with a place for one;
 *   - its authors from front matter (the renderers fall back to the site's);
 *   - `updated` from `last_modified_at`, else from the edit the build saw
 *     (history.ts), else none (the renderers use the publication date);
 *   - never over the feed page bound (src/shared/paging.ts, FEED_PAGE_BYTES):
 *     a post longer than that is carried as its summary and a link to it.
 */

import { absoluteUrl } from '../../src/shared/paths.ts'
import { coverHtml, summaryHtml } from '../../src/shared/feed-summary.ts'
import { FEED_ENTRY_BYTES } from '../../src/shared/paging.ts'
import { SCHEMA_VERSION } from '../../src/shared/keys.ts'
import { toRfc3339 } from '../../src/shared/time.ts'
import type { EntryRecord } from '../../src/shared/schema.ts'
import { absoluteUrls } from './absolute-urls.ts'
import type { Post } from './posts.ts'

/** The offset a post's date was written with, in minutes (`+09:00` → 540), so `updated` reads in the same zone. */
function offsetOf(rfc3339: string): number {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(rfc3339)
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0
}

/**
 * Bytes an entry adds to a feed page in its largest format: its JSON (the
 * JSON Feed item carries the same strings, escaped the same way; Atom and RSS
 * put the HTML in CDATA, which adds nothing), plus the per-format wrapping and
 * each term written once per format with its scheme URL.
 */
export function entryWeight(entry: EntryRecord, jsonBytes = jsonBytesOf(entry)): number {
  return jsonBytes + 640 + 160 * (entry.tags.length + entry.categories.length)
}

const jsonBytesOf = (value: object): number => Buffer.byteLength(JSON.stringify(value))

/**
 * A post's feed entry. `bytesOf` measures a record's JSON: the assembly's
 * (assemble.ts) keeps that JSON for the blob the entry becomes, so an entry,
 * often the largest record a post has, is stringified once, not once here,
 * once for its weight and once more for its blob.
 */
export function entryOf(p: Post, siteUrl: string, editedAt?: number, bytesOf: (entry: EntryRecord) => number = jsonBytesOf): EntryRecord {
  const url = absoluteUrl(siteUrl, p.path)
  const image = p.image ? new URL(p.image.src, url).href : undefined
  const cover = image ? coverHtml(image, p.image!.alt) : ''
  const entry: EntryRecord = {
    kind: 'entry',
    v: SCHEMA_VERSION,
    path: p.path,
    title: p.title,
    date: p.date,
    updated: p.updated ?? (editedAt ? toRfc3339(editedAt * 1000, offsetOf(p.date)) : undefined),
    summary: p.description,
    tags: p.tags,
    categories: p.categories,
    lang: p.lang,
    ...(p.authors?.length ? { authors: p.authors } : {}),
    image,
    ...(image && p.image!.alt ? { imageAlt: p.image!.alt } : {}),
    html: cover + (p.feedHtml ?? absoluteUrls(p.html, url)),
  }
  if (entryWeight(entry, bytesOf(entry)) <= FEED_ENTRY_BYTES) return entry
  // Too long for any feed page: what the post is about, and where to read it.
  return { ...entry, html: summaryHtml(entry, url), truncated: true }
}
