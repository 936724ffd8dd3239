/**
 * The figures of a measured metric (min, median and max of its runs) and its
 * verdict against a goal of issue 18. Pure, so test/node/bench-stats.test.ts
 * checks it without timing anything.
 */

export interface Spread {
  runs: number
  min: number
  median: number
  max: number
}

/** Min, median (the mean of the middle two for an even count) and max; rounded to whole units. */
export function spread(values: number[]): Spread {
  if (!values.length) throw new Error('spread of no runs')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { runs: sorted.length, min: Math.round(sorted[0]!), median: Math.round(median), max: Math.round(sorted.at(-1)!) }
}

/** The median of each key over runs that each measured some keys (the stage times of several builds), in first-seen order. */
export function medians(runs: Array<Record<string, number>>): Record<string, number> {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))]
  return Object.fromEntries(keys.map((k) => [k, spread(runs.flatMap((r) => (k in r ? [r[k]!] : []))).median]))
}

/** A goal: the median must be at most `limit` (a number, or a share of Hugo's median when `ofHugo`). */
export interface Goal {
  limit: number
  ofHugo?: boolean
}

export interface Verdict {
  /** What the goal asks, as the table prints it: "≤ 300", "≤ 0.5× Hugo". */
  target: string
  /** undefined: no figure to judge by (Hugo missing, or the metric not measured). */
  met: boolean | undefined
}

/** Judges a median against a goal; Hugo's median is needed only for a goal relative to it. */
export function verdict(goal: Goal, median: number | undefined, hugoMedian?: number): Verdict {
  const target = goal.ofHugo ? `≤ ${goal.limit}× Hugo` : `≤ ${goal.limit}`
  if (median === undefined) return { target, met: undefined }
  if (!goal.ofHugo) return { target, met: median <= goal.limit }
  return { target, met: hugoMedian === undefined ? undefined : median <= goal.limit * hugoMedian }
}

/** A verdict as a table cell. */
export const metText = (met: boolean | undefined): string => (met === undefined ? 'n/a' : met ? 'met' : 'NOT met')

/** Issue 18's goals, per metric, at the sizes where the issue sets one. */
export function goalFor(metric: string, posts: number): Goal | undefined {
  if (metric === 'cold build ms') return { limit: 0.5, ofHugo: true }
  if (metric.startsWith('rebuild')) return posts === 159 ? { limit: 300 } : posts === 1000 ? { limit: 1000 } : undefined
  if (metric === 'cold build peak RSS MiB' && posts === 10000) return { limit: 1, ofHugo: true }
  if (metric === 'save → refreshed page ms' && posts === 1000) return { limit: 200 }
  if (metric === 'npm start → first page ms' && posts === 159) return { limit: 3000 }
  return undefined
}
