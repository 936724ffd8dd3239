/**
 * `npm run bench [-- --sizes 1000,10000] [-- --quick] [-- --only kv [--kv-sizes 159,1000]]`: every bench (index.ts),
 * tables on stdout and JSON in .kumo/bench/latest.json.
 */

import { parseArgs } from 'node:util'
import { runBench } from './index.ts'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'kv-sizes': { type: 'string', default: '159,1000,10000' },
  },
})
await runBench({
  sizes: values.quick ? [200, 1000] : values.sizes.split(',').map(Number),
  iterations: values.quick ? 100 : 300,
  kvSizes: values['kv-sizes'].split(',').map(Number),
  ...(values.only ? { only: values.only } : {}),
})
