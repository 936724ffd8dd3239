/**
 * `npm run bench:search [-- --sizes 100,10000] [--corpus search|shared] [--cpu-only] [--batches 15]`:
 * search latency and index size (search.ts), as tables.
 */

import { parseArgs } from 'node:util'
import { printSearchBench, searchBench } from './search.ts'

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '100,10000' }, batches: { type: 'string', default: '15' }, 'cpu-only': { type: 'boolean', default: false }, corpus: { type: 'string', default: 'search' } },
})
printSearchBench(
  await searchBench({
    sizes: values.sizes.split(',').map(Number),
    batches: Number(values.batches),
    cpuOnly: values['cpu-only'],
    corpus: values.corpus === 'shared' ? 'shared' : 'search',
  }),
)
