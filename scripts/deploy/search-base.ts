/**
 * The search base a deploy measures its build against: the live build's
 * (src/shared/search.ts). Then a one-post edit writes one search record, the
 * delta, and the base's doc table and shards stay as they are in KV.
 *
 * Read through the deploy cache: the manifest and the doc table are immutable
 * and kept on disk once seen, so a deploy from the author's checkout reads no
 * key for this. Anything missing or from an older Kumo gives no base, and the
 * build makes a new one (more writes, never a wrong index).
 */

import { DOCS_RECORD, type SearchDocsRecord } from '../../src/shared/search.ts'
import { manifestFromStored } from '../../src/shared/manifest-codec.ts'
import type { SearchBase } from '../pipeline/search-index.ts'

export interface BaseReader {
  manifest(id: string): Promise<string | null>
  blob(hash: string): Promise<string | null>
}

export async function searchBaseOf(buildId: string | undefined, read: BaseReader): Promise<SearchBase | undefined> {
  if (!buildId) return undefined
  const stored = await read.manifest(buildId)
  if (stored === null) return undefined
  const { records } = await manifestFromStored(stored, read.manifest)
  const docs = records[DOCS_RECORD]
  const json = docs ? await read.blob(docs) : null
  if (json === null) return undefined
  const table = JSON.parse(json) as SearchDocsRecord
  if (table.kind !== 'search-docs' || typeof table.fingerprints !== 'string') return undefined
  const base = Object.entries(records).filter(([name]) => name === DOCS_RECORD || name.startsWith('search:shard:'))
  return { records: Object.fromEntries(base), table }
}
