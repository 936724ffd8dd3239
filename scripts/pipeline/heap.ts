/**
 * V8 grows a large heap by up to 4× its live size after each full collection,
 * and a cold 10,000-post build, whose live set climbs for most of its run
 * (~2.8 GB at the end), so ends up holding hundreds of MB of garbage at its
 * peak: capping the growth at 1.2× made that build's peak RSS ~3.5 → under 3 GB.
 * It costs more full collections (~0.25 s more pause in a 1,000-post build of
 * ~10 s), so only a build with many files asks for it (the CLI, build.ts).
 * The flag is read at each collection, so setting it once the build is under
 * way takes effect (measured: the same peak as passing it to node).
 */

import { setFlagsFromString } from 'node:v8'

/** Files from which a build caps its heap's growth: the 159- and 1,000-post builds stay as they were. */
export const HEAP_CAP_MIN_FILES = 3000

let capped = false

/** Caps the heap's growth for the rest of the process, once. */
export function capHeapGrowth(): void {
  if (capped) return
  capped = true
  setFlagsFromString('--heap-growing-percent=20')
}
