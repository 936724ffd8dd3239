/**
 * Looks routes and records up in a manifest as of a given instant, applying
 * the schedule steps whose time has come. This is how a post dated in the
 * future appears on time with no deploy: its pages are already in the
 * manifest, in the step for its publication time.
 */

import type { Manifest, RouteEntry, ScheduleStep } from '../shared/schema.ts'

type Tables = Pick<ScheduleStep, 'routes' | 'records'>

function lookup<T>(manifest: Manifest, now: number, pick: (m: Tables) => Record<string, T | null>, key: string): T | undefined {
  const steps = manifest.schedule
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!
    if (step.at > now) continue
    const table = pick(step)
    if (Object.hasOwn(table, key)) return table[key] ?? undefined
  }
  const base = pick(manifest)
  return Object.hasOwn(base, key) ? (base[key] ?? undefined) : undefined
}

export function routeAt(manifest: Manifest, path: string, now: number): RouteEntry | undefined {
  return lookup(manifest, now, (m) => m.routes, path)
}

export function recordAt(manifest: Manifest, name: string, now: number): string | undefined {
  return lookup(manifest, now, (m) => m.records, name)
}

/** Epoch ms of the next scheduled change after `now`, if any: caps cache lifetimes. */
export function nextChangeAt(manifest: Manifest, now: number): number | undefined {
  return manifest.schedule.find((s) => s.at > now)?.at
}
