/**
 * `npm run bench:load [-- --requests 20000 --connections 50]`: the load test
 * (load.ts) against a throw-away `wrangler dev`; prints its report as JSON and
 * exits 1 on any error, timeout or 5xx.
 */

import { parseArgs } from 'node:util'
import { loadBench } from './load.ts'

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '20000' }, connections: { type: 'string', default: '50' } },
})
const { report, clean } = await loadBench({ requests: Number(values.requests), connections: Number(values.connections) })
console.log(JSON.stringify(report, null, 2))
if (!clean) process.exitCode = 1
