/**
 * `npm run rollback [-- <buildId>]`: brings back the Worker version that served
 * an earlier build. Any build whose manifest is in KV can be served: its blobs
 * are there too (the invariant in state.ts), so code and content come back
 * together. With no id, goes back to the build deployed before the newest.
 *
 * The target's manifest is re-put first (same value, metadata `{ at: now }`:
 * 1 KV write), which makes it the newest, kept build; only then does the worker
 * switch. The other order could leave a live build outside the kept window,
 * for gc to delete; this one at worst keeps a build that never went live.
 */

import { buildKey } from '../../src/shared/keys.ts'
import { buildReader, type DeployCache } from './cache.ts'
import type { KvTarget } from './kv-target.ts'
import { buildMetadata, listBuilds, promote } from './state.ts'
import type { WorkerTarget } from './worker-target.ts'

export async function rollback(
  target: string | undefined,
  options: { kv: KvTarget; worker: WorkerTarget; now?: Date; cache?: DeployCache },
): Promise<{ buildId: string; version: string }> {
  const builds = await listBuilds(options.kv)
  const buildId = target ?? builds[1]?.id
  if (!buildId) throw new Error('there is no earlier build in KV to roll back to')
  const stored = builds.some((b) => b.id === buildId) ? await buildReader(options.kv, options.cache).manifest(buildId) : null
  if (stored === null) {
    throw new Error(`build ${buildId} has no manifest in KV (builds there: ${builds.map((b) => b.id).join(', ') || 'none'}); it cannot be served`)
  }
  const now = options.now ?? new Date()
  await options.kv.putMany([{ key: buildKey(buildId), value: stored, metadata: buildMetadata(now) }])
  await options.cache?.saveBuilds(promote(builds, buildId, now))
  const version = await options.worker.rollback(buildId)
  return { buildId, version }
}
