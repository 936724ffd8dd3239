/**
 * What a deploy's build is measured against: the live build. Its manifest
 * dates what changed (scripts/pipeline/history.ts: Last-Modified, feed
 * entries' `updated`) and its search base takes the new index's delta
 * (search-base.ts). Both come through the deploy cache, so a deploy from the
 * author's checkout usually reads no key for them. No live build, or one that
 * cannot be read: a first build's dates and a fresh search base.
 */

import { manifestFromStored } from '../../src/shared/manifest-codec.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import type { SearchBase } from '../pipeline/search-index.ts'
import { searchBaseOf, type BaseReader } from './search-base.ts'

export interface LiveBuild {
  previous?: Manifest
  searchBase?: SearchBase
}

export async function liveBuild(buildId: string | undefined, read: BaseReader): Promise<LiveBuild> {
  if (!buildId) return {}
  const stored = await read.manifest(buildId)
  return { previous: stored === null ? undefined : await manifestFromStored(stored, read.manifest), searchBase: await searchBaseOf(buildId, read) }
}
