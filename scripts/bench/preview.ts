/**
 * (j) Issue 18's `npm start` goals, on generated blogs of real shape
 * (corpus.ts), each measured `runs` times:
 *
 *   - from the command to the first page: `node scripts/run.mjs start` (what
 *     `npm start` runs) on a 159-post blog, as one just imported, with an empty
 *     work folder (no cache, no local KV), polling `/` until it answers 200;
 *   - from a saved post to the refreshed page showing the edit, on a 1,000-post
 *     blog (scripts/preview/measure.ts), one `npm start` for all the saves.
 */

import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { freePort, stopGroup } from '../project.ts'
import { firstPage, measureDevLoop, startOn } from '../preview/measure.ts'
import { generateCorpus } from './corpus.ts'
import { metricRows, type Row } from './real-builds.ts'

/** Milliseconds from spawning `npm start` on `content` to its first 200 at `/`, one fresh process and work folder per run. */
async function startToFirstPage(root: string, content: string, runs: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const work = await mkdtemp(join(root, 'start-work-'))
    const port = await freePort()
    const t0 = performance.now()
    const { child, log } = startOn(content, port, work)
    try {
      await firstPage(port, '/', 120_000, log)
      times.push(performance.now() - t0)
    } finally {
      await stopGroup(child)
      await rm(work, { recursive: true, force: true })
    }
  }
  return times
}

/** The first post file of a generated corpus and its page (site.yml's permalink is /posts/:title/). */
async function somePost(content: string): Promise<{ post: string; path: string }> {
  const name = (await readdir(join(content, 'posts'))).sort()[0]!
  return { post: join('posts', name), path: `/posts/${name.replace(/^\d{4}-\d\d-\d\d-/, '').replace(/\.md$/, '')}/` }
}

/** (j): both measures, as one table. */
export async function previewSection(root: string, runs: number): Promise<Row[]> {
  const small = join(root, 'start-159')
  const large = join(root, 'start-1000')
  try {
    await generateCorpus(small, 159, 42, { real: true })
    await generateCorpus(large, 1000, 42, { real: true })
    console.log(`(j) npm start: ${runs} starts on 159 posts, then ${runs} saves on 1,000 posts`)
    const starts = await startToFirstPage(root, small, runs)
    const saves = await measureDevLoop(runs, { content: large, ...(await somePost(large)), readyMs: 180_000 })
    const rows = [...metricRows(159, 'npm start → first page ms', starts, []), ...metricRows(1000, 'save → refreshed page ms', saves, [])]
    console.log('\n(j) npm start, real-shaped blogs (ms; median judged against issue 18\'s goal)')
    console.table(rows)
    return rows
  } finally {
    for (const dir of [small, large]) await rm(dir, { recursive: true, force: true })
  }
}
