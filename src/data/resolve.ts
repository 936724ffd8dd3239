/**
 * Looks routes and records up in a manifest as of a given instant, applying
 * the schedule steps whose time has come. This is how a post dated in the
 * future appears on time with no deploy: its pages are already in the
 * manifest, in the step for its publication time.
 */

import type { ManifestIndex } from '../shared/manifest-codec.ts'
import type { RouteEntry, ScheduleStep } from '../shared/schema.ts'

/** The latest step due at `now` that names `key`: its entry (null: removed), else undefined. */
function scheduled<T>(manifest: ManifestIndex, now: number, pick: (s: ScheduleStep) => Record<string, T | null>, key: string): T | null | undefined {
  const steps = manifest.schedule
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!
    if (step.at > now) continue
    const table = pick(step)
    if (Object.hasOwn(table, key)) return table[key] ?? null
  }
  return undefined
}

export function routeAt(manifest: ManifestIndex, path: string, now: number): RouteEntry | undefined {
  const step = scheduled(manifest, now, (s) => s.routes, path)
  return step === undefined ? manifest.route(path) : (step ?? undefined)
}

export function recordAt(manifest: ManifestIndex, name: string, now: number): string | undefined {
  const step = scheduled(manifest, now, (s) => s.records, name)
  return step === undefined ? manifest.record(name) : (step ?? undefined)
}

/** Epoch ms of the next scheduled change after `now`, if any: caps cache lifetimes. */
export function nextChangeAt(manifest: ManifestIndex, now: number): number | undefined {
  return manifest.schedule.find((s) => s.at > now)?.at
}
