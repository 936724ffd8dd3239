/**
 * `npx tsx scripts/measure-dev-loop.ts [rounds] [--content DIR --post FILE --path URL] [--start | --browser]`:
 * the writer's loop, save to a refresh that shows it, `rounds` times (default 5), on a
 * temporary copy of content/ (or of DIR, editing FILE under it, whose page is at URL);
 * with `--start`, `rounds` cold and warm starts of `npm start` to the first page instead;
 * with `--browser`, the saves with the page open in Chromium, reloading itself
 * (scripts/preview/measure.ts).
 */

import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { spread } from './bench/stats.ts'
import { SAMPLE, measureDevLoop, measureDevLoopInBrowser, measureStart } from './preview/measure.ts'

const line = (ms: number[]) => {
  const s = spread(ms)
  return `${s.min} / ${s.median} / ${s.max}`
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { content: { type: 'string' }, post: { type: 'string' }, path: { type: 'string' }, start: { type: 'boolean', default: false }, browser: { type: 'boolean', default: false } },
})
const rounds = Number(positionals[0] ?? 5)
if (values.content && !values.start && !(values.post && values.path)) {
  console.error('--content needs --post (the file to edit, under the folder) and --path (its page), e.g. --post posts/2024-01-01-a.md --path /2024/01/a/')
  process.exit(2)
}
const target = values.content ? { content: resolve(values.content), post: values.post ?? '', path: values.path ?? '/' } : SAMPLE
if (values.start) {
  const { cold, warm } = await measureStart(rounds, target)
  for (const [name, runs] of [['cold', cold], ['warm', warm]] as const) {
    console.log(`${name} start → first page, ms: ${runs.map((r) => r.ms).join(', ')} (min / median / max ${line(runs.map((r) => r.ms))})`)
    for (const r of runs) console.log(`  ${r.ready}`)
  }
} else {
  const results = await (values.browser ? measureDevLoopInBrowser : measureDevLoop)(rounds, target)
  console.log(`edit → visible ${values.browser ? 'in the open page (Chromium)' : 'on refresh'}, ms: ${results.join(', ')} (min / median / max ${line(results)})`)
}
