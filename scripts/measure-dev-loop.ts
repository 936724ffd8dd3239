/**
 * `npx tsx scripts/measure-dev-loop.ts [rounds]`: the writer's loop, save to a
 * refresh that shows it, `rounds` times (default 5), on a temporary copy of
 * content/ (scripts/preview/measure.ts).
 */

import { measureDevLoop } from './preview/measure.ts'

const results = await measureDevLoop(Number(process.argv[2] ?? 5))
const sorted = [...results].sort((a, b) => a - b)
console.log(`edit → visible on refresh, ms: ${results.join(', ')} (median ${sorted[Math.floor(sorted.length / 2)]})`)
