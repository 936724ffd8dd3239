import { build } from './build/index.ts'
import { generateCorpus } from './bench/corpus.ts'
import { bundle } from './bench/bundle.ts'
import { renderBench } from './bench/render.ts'
import { rm } from 'node:fs/promises'
const w = await bundle('scripts/bench/worker-entry.ts')
await rm('/tmp/prof/c100', { recursive: true, force: true })
await generateCorpus('/tmp/prof/c100', 100)
const small = await build({ contentDir: '/tmp/prof/c100', outDir: '', publicDir: '' })
const big = await build({ contentDir: '/tmp/prof/w10000/content', outDir: '', publicDir: '', cacheDir: '/tmp/prof/w10000/cache' })
for (let round = 0; round < 2; round++) for (const [n, r] of [[100, small], [10000, big]] as const) {
  const t = await renderBench(w.file, r, 200)
  console.log(n, t.map((x) => `${x.route}: ${x.renderP50.toFixed(2)}/${x.p50.toFixed(2)}`).join(' | '))
}
