/**
 * `npm run bench [-- --sizes 159,1000,10000] [-- --runs 3] [-- --quick] [-- --only build|start|kv [--kv-sizes 159,1000]]`:
 * every bench (index.ts), tables on stdout and JSON in .kumo/bench/latest.json.
 *
 * `--sizes` sets the sizes of the build sections: (i)'s real-shaped corpus
 * (default 159,1000,10000) and (a)'s generated one (default 1000,10000).
 */

import { parseArgs } from 'node:util'
import { runBench, type BenchOptions } from './index.ts'

const SECTIONS = ['kv', 'build', 'start'] as const

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    runs: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'kv-sizes': { type: 'string', default: '159,1000,10000' },
  },
})
const list = (text: string) => text.split(',').map(Number)
const only = values.only as BenchOptions['only']
if (only && !SECTIONS.includes(only)) {
  console.error(`npm run bench: --only ${values.only} is no section; use one of ${SECTIONS.join(', ')}`)
  process.exit(2)
}
const sizes = values.sizes ? list(values.sizes) : undefined
const bad = [...(sizes ?? []), Number(values.runs)].find((n) => !Number.isInteger(n) || n < 1)
if (bad !== undefined) {
  console.error(`npm run bench: --sizes and --runs take whole numbers from 1 (got ${bad})`)
  process.exit(2)
}
await runBench({
  sizes: values.quick ? [200, 1000] : sizes ?? [1000, 10000],
  realSizes: values.quick ? [159, 1000] : sizes ?? [159, 1000, 10000],
  runs: Number(values.runs),
  iterations: values.quick ? 100 : 300,
  kvSizes: list(values['kv-sizes']),
  ...(only ? { only } : {}),
})
