/**
 * (j) Issue 18's `npm start` goals, on generated blogs of real shape
 * (corpus.ts), each measured `runs` times:
 *
 *   - from the command to the first page: `node scripts/run.mjs start` (what
 *     `npm start` runs) on a 159-post blog, as one just imported, with an empty
 *     work folder (no cache, no local KV), polling `/` until it answers 200;
 *     then again on what that start left (the second `npm start` of a day);
 *   - from a saved post to the refreshed page showing the edit, on a 1,000-post
 *     blog (scripts/preview/measure.ts), one `npm start` for all the saves.
 */

import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { measureDevLoop, measureStart } from '../preview/measure.ts'
import { generateCorpus } from './corpus.ts'
import { metricRows, type Row } from './real-builds.ts'

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
    // Each cold start (no render cache, no local KV) is followed by a warm one on what it left (measure.ts).
    const starts = await measureStart(runs, { content: small })
    const saves = await measureDevLoop(runs, { content: large, ...(await somePost(large)) })
    const rows = [
      ...metricRows(159, 'npm start → first page ms', starts.cold.map((r) => r.ms), []),
      ...metricRows(159, 'npm start again → first page ms', starts.warm.map((r) => r.ms), []),
      ...metricRows(1000, 'save → refreshed page ms', saves, []),
    ]
    console.log('\n(j) npm start, real-shaped blogs (ms; median judged against issue 18\'s goal)')
    console.table(rows)
    return rows
  } finally {
    for (const dir of [small, large]) await rm(dir, { recursive: true, force: true })
  }
}
