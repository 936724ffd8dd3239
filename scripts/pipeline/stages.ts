/**
 * The time of each named stage of a build, for `npm run bench` and `npm run
 * build -- --timings` (issue 18: the next regression shows where it is). A lap
 * ends the stage under way; a stage lapped twice adds up. One performance.now()
 * per stage, so it is always on.
 */

export type StageTimes = Record<string, number>

/** Laps into `times` (a new record, or one to go on adding to), from now. */
export function stageTimer(times: StageTimes = {}): { lap(name: string): void; times: StageTimes } {
  let last = performance.now()
  return {
    times,
    lap(name) {
      const now = performance.now()
      times[name] = Math.round(((times[name] ?? 0) + now - last) * 10) / 10
      last = now
    },
  }
}
