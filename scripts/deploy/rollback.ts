/**
 * `npm run rollback [-- <buildId>]`: brings back the Worker version that served
 * a kept build. Its manifest and blobs are still in KV (gc keeps every kept
 * build's keys), so code and content come back together. With no id, goes back
 * to the build deployed before the newest.
 */

import { buildKey } from '../../src/shared/keys.ts'
import type { KvTarget } from './kv-target.ts'
import { stateEntry } from './plan.ts'
import { promote, readState, DEFAULT_KEEP } from './state.ts'
import type { WorkerTarget } from './worker-target.ts'

export async function rollback(
  target: string | undefined,
  options: { kv: KvTarget; worker: WorkerTarget; keep?: number; now?: Date },
): Promise<{ buildId: string; version: string }> {
  const state = await readState(options.kv)
  const buildId = target ?? state.builds[1]?.id
  if (!buildId) throw new Error('there is no earlier kept build to roll back to')
  if (!state.builds.some((b) => b.id === buildId)) {
    throw new Error(`build ${buildId} is not kept (kept: ${state.builds.map((b) => b.id).join(', ') || 'none'}); its keys may be gone`)
  }
  if ((await options.kv.get(buildKey(buildId))) === null) throw new Error(`build ${buildId}'s manifest is not in KV; it cannot be served`)
  const version = await options.worker.rollback(buildId)
  // Now the most recently live build: first in line to be kept.
  const builds = promote(state.builds, buildId, options.now ?? new Date(), Math.max(options.keep ?? DEFAULT_KEEP, state.builds.length))
  await options.kv.putMany([stateEntry({ ...state, builds })])
  return { buildId, version }
}
