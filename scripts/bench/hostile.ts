/**
 * `npm run bench:hostile [-- --scale 1,4,16]`: time per MB to parse and
 * render each adversarial post body (hostile-inputs.ts) at several sizes.
 * Linear stages show a flat ms/MB across sizes; a ratio (largest size's ms/MB
 * over the smallest's) well above 1 is a regression to look at. JSON goes to
 * .kumo/bench/hostile.json.
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildSource } from '../pipeline/render-pool.ts'
import { parseSiteConfig } from '../pipeline/site-config.ts'
import { paths } from '../project.ts'
import { HOSTILE_KINDS } from './hostile-inputs.ts'

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1,4,16' }, only: { type: 'string' } } })
const scales = values.scale.split(',').map(Number)
const site = parseSiteConfig('site.yml', 'title: Bench\nurl: https://bench.example\ntimezone: UTC\n')

/** Time per MB growing by more than this from the smallest to the largest scale is flagged, and the command exits 1. */
const SUPERLINEAR = 2.5

interface Row { kind: string; sizes: Array<{ scale: number; mb: number; ms: number; msPerMb: number; outcome: string }>; ratio: number }
const rows: Row[] = []
for (const kind of HOSTILE_KINDS.filter((k) => !values.only || k.name.includes(values.only))) {
  const sizes: Row['sizes'] = []
  for (const scale of scales) {
    const text = `---\ntitle: Hostile\ndate: 2025-01-01\n---\n\n${kind.body(kind.base * scale)}\n`
    const started = performance.now()
    const out = buildSource({ kind: 'post', path: 'posts/2025-01-01-hostile.md', text }, site, Date.now())
    const ms = performance.now() - started
    const mb = Buffer.byteLength(text) / 1048576
    sizes.push({ scale, mb, ms, msPerMb: ms / mb, outcome: 'ok' in out ? 'built' : out.error.message.split(': ').slice(1).join(': ').slice(0, 60) })
  }
  const ratio = sizes[sizes.length - 1]!.msPerMb / sizes[0]!.msPerMb
  rows.push({ kind: kind.name, sizes, ratio })
  const cells = sizes.map((s) => `${s.scale}x ${s.mb.toFixed(2)} MB ${s.ms.toFixed(0)} ms = ${s.msPerMb.toFixed(0)} ms/MB`).join(' | ')
  // Linear work keeps time per MB flat (ratio ~1); a quadratic pass multiplies it by the scale.
  const flag = ratio > SUPERLINEAR ? '  SUPERLINEAR' : ''
  console.log(`${kind.name.padEnd(28)} ${cells} | ratio ${ratio.toFixed(2)}${sizes.some((s) => s.outcome !== 'built') ? ` (${sizes[0]!.outcome})` : ''}${flag}`)
}
const file = join(paths.root, '.kumo', 'bench', 'hostile.json')
await mkdir(dirname(file), { recursive: true })
await writeFile(file, `${JSON.stringify({ at: new Date().toISOString(), scales, rows }, null, 1)}\n`)
console.log(`wrote ${join('.kumo', 'bench', 'hostile.json')}`)
if (rows.some((r) => r.ratio > SUPERLINEAR)) process.exitCode = 1
