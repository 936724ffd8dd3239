/**
 * Stage "assemble", machine-reader part: each post as Markdown at a stable URL
 * beside its page (`<post path>index.md`, paths.ts markdownPath), which the
 * page advertises with `<link rel="alternate" type="text/markdown">`, and
 * /llms-full.txt, the full text of every post in pages bounded in size.
 *
 * The Markdown is the post's own source with its Liquid resolved as for the
 * page (so `{{ site.url }}` and `{% post_url %}` are real URLs), under a title
 * block; relative links keep working because it sits in the page's folder.
 * Like the feeds, /llms-full.txt pages hold post paths over chunks cut by
 * count (a new post rewrites one chunk) and are cut by size in the manifest.
 */

import { SCHEMA_VERSION, markdownRecord } from '../../src/shared/keys.ts'
import { LLMS_FULL_CHUNK, LLMS_FULL_PAGE_BYTES, chunkRecord, chunksOf, rangeChunks, sizedRanges } from '../../src/shared/paging.ts'
import { absoluteUrl, llmsFullPath, markdownPath } from '../../src/shared/paths.ts'
import type { ChunkRecord, LlmsFullScopeRecord, MarkdownRecord } from '../../src/shared/schema.ts'
import type { OwnRecord, RouteOut } from './assemble.ts'
import type { Post } from './posts.ts'
import type { AssemblyMemo } from './session.ts'

/** One line: no line breaks in a heading or a list item. */
const line = (s: string) => s.replace(/\s+/g, ' ').trim()

/** The document: title, when and where, then the body as written. */
export function markdownText(post: Post, siteUrl: string): string {
  const terms = [...post.categories, ...post.tags].map((t) => t.name)
  const meta = [
    `- URL: ${absoluteUrl(siteUrl, post.path)}`,
    `- Published: ${post.date}`,
    ...(post.updated ? [`- Updated: ${post.updated}`] : []),
    ...(post.authors?.length ? [`- Author: ${post.authors.map((a) => line(a.name)).join(', ')}`] : []),
    ...(terms.length ? [`- Tags: ${terms.map(line).join(', ')}`] : []),
  ]
  return `# ${line(post.title)}\n\n${meta.join('\n')}\n\n${post.markdown.trim()}\n`
}

function recordOf({ markdown: made, sums }: AssemblyMemo, post: Post, siteUrl: string): MarkdownRecord {
  const known = made.get(post)
  if (known?.siteUrl === siteUrl) {
    if (known.key) sums.hashed(known.record, known.key)
    return known.record
  }
  const record: MarkdownRecord = { kind: 'markdown', v: SCHEMA_VERSION, path: post.path, text: markdownText(post, siteUrl) }
  // Named by its sum from an earlier build when the post is unchanged (record-sums.ts), as its body is.
  const key = sums.keyOf(post, 'markdown', undefined)
  if (key) sums.hashed(record, key)
  made.set(post, { siteUrl, record, key })
  return record
}

const seconds = (ms: number) => Math.floor(ms / 1000)

/**
 * Adds each post's Markdown route and record, and the /llms-full.txt pages.
 * `sorted` is newest first; `chunk` shares chunk records as assemble does.
 */
export function addMachineReaders(
  routes: Map<string, RouteOut>,
  records: Map<string, OwnRecord>,
  sorted: Post[],
  siteUrl: string,
  memo: AssemblyMemo,
  chunk: (items: string[]) => ChunkRecord = chunkRecord,
): void {
  const texts = sorted.map((post) => {
    const record = recordOf(memo, post, siteUrl)
    records.set(markdownRecord(post.path), record)
    const path = markdownPath(post.path)
    // A route the site already has (an odd permalink) is never shadowed.
    if (!routes.has(path)) routes.set(path, { record, deps: [], lastModified: seconds(Math.max(post.ms, post.updatedMs ?? 0)) })
    return record
  })
  const scope: LlmsFullScopeRecord = { kind: 'llms-full-scope', v: SCHEMA_VERSION, pageSize: LLMS_FULL_CHUNK }
  const chunks = chunksOf(sorted.map((p) => p.path), LLMS_FULL_CHUNK).map(chunk)
  const total = sorted.length
  const ranges = sizedRanges(texts.map((t) => Buffer.byteLength(t.text) + 8), LLMS_FULL_CHUNK, LLMS_FULL_PAGE_BYTES - 2_000)
  ranges.forEach(([from, to], i) => {
    const posts = sorted.slice(from, to)
    routes.set(llmsFullPath(i + 1), {
      record: scope,
      deps: posts.map((p) => markdownRecord(p.path)),
      lastModified: posts.length ? seconds(posts.reduce((max, p) => Math.max(max, p.ms, p.updatedMs ?? 0), -Infinity)) : 0,
      paged: { chunks: rangeChunks(total, LLMS_FULL_CHUNK, from, to).map((j) => chunks[j]!), total, page: i + 1, range: { from, to, pages: ranges.length } },
    })
  })
}
