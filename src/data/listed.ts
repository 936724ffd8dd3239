/**
 * The records a route's record lists (a listing's posts, a feed's entries,
 * llms.txt's posts), found through the manifest and read in one bulk KV read.
 */

import { HttpError } from '../errors.ts'
import { entryRecord, markdownRecord, metaRecord } from '../shared/keys.ts'
import type { ManifestIndex } from '../shared/manifest-codec.ts'
import type { EntryRecord, MarkdownRecord, PostMetaRecord, RouteView } from '../shared/schema.ts'
import { readRecords } from './index.ts'
import { recordAt } from './resolve.ts'

export interface Listed {
  meta: PostMetaRecord[]
  entry: EntryRecord[]
  markdown: MarkdownRecord[]
}

const NAMES = { meta: metaRecord, entry: entryRecord, markdown: markdownRecord }

/** Blob hashes of the records named for each post path: its `meta:`, `entry:` or `markdown:` record. */
export function hashesOf(at: { manifest: ManifestIndex; now: number }, names: string[], lookup: keyof typeof NAMES): string[] {
  return names.map((name) => {
    const hash = recordAt(at.manifest, NAMES[lookup](name), at.now)
    if (!hash) throw new HttpError('unavailable', `manifest ${at.manifest.buildId} lacks ${name}`)
    return hash
  })
}

export async function listedIn(kv: KVNamespace, at: { manifest: ManifestIndex; now: number }, record: RouteView): Promise<Listed> {
  const none: Listed = { meta: [], entry: [], markdown: [] }
  switch (record.kind) {
    case 'listing':
      return { ...none, meta: await readRecords<PostMetaRecord>(kv, hashesOf(at, record.items, 'meta')) }
    case 'llms':
      return { ...none, meta: await readRecords<PostMetaRecord>(kv, hashesOf(at, record.posts, 'meta')) }
    case 'feed':
      return { ...none, entry: await readRecords<EntryRecord>(kv, hashesOf(at, record.items, 'entry')) }
    case 'llms-full':
      return { ...none, markdown: await readRecords<MarkdownRecord>(kv, hashesOf(at, record.items, 'markdown')) }
    default:
      return none
  }
}
