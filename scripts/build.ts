/**
 * `npm run build [-- --drafts] [-- --timings]`: builds content/ into dist/ (content-addressed
 * blobs and the manifest) and public/ (static assets). Exits non-zero, writing nothing, on
 * any bad input.
 */

import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { debugStacks, failureMessage } from './pipeline/errors.ts'
import { capHeapGrowth, HEAP_CAP_MIN_FILES } from './pipeline/heap.ts'
import { buildToDisk, distFiles, type BuildSummary } from './pipeline/index.ts'
import { recordBuild, startInputs, unchangedBuild } from './pipeline/up-to-date.ts'
import { paths, workPaths } from './project.ts'

const { values } = parseArgs({
  options: {
    drafts: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    // --no-cache: parse and render every file afresh (the cache lives in .kumo/cache/).
    'no-cache': { type: 'boolean', default: false },
    // --parallel: render on a second thread too (render-pool.ts) whatever the blog's size; without it, a build
    // with no render cache does so from 400 posts (1,000: ~12% faster; 10,000: 41.6 s and 2,400 MiB against 47.6 s and 2,533).
    parallel: { type: 'boolean', default: false },
    // --debug: the stack of an unexpected failure too (a writer never needs it).
    debug: { type: 'boolean', default: false },
    // --content DIR: build another content folder (as `npm start -- --content`).
    content: { type: 'string' },
    // --work DIR: write dist/, public/ and the cache under DIR (the benchmark's builds).
    work: { type: 'string' },
    // --timings: the milliseconds of each stage of the pipeline, after the summary line.
    timings: { type: 'boolean', default: false },
  },
})
const work = workPaths(values.work)
const showProgress = !values.quiet && process.stderr.isTTY

const dirs = { contentDir: values.content ? resolve(values.content) : paths.contentDir, outDir: work.outDir, publicDir: work.publicDir, cacheDir: work.cacheDir }

/** The build, or with nothing changed since the last one (up-to-date.ts) what it said. */
async function run(): Promise<{ summary: BuildSummary; warnings: string[]; unchanged: boolean }> {
  const useCache = !values['no-cache']
  // The inputs as the build starts, taken once: what says whether it is needed, and what recordBuild compares after.
  const started = useCache ? startInputs(dirs) : ''
  const last = useCache ? await unchangedBuild(dirs, { drafts: values.drafts, nowMs: Date.now(), inputs: started }) : undefined
  if (last) return { ...last, unchanged: true }
  const result = await buildToDisk({
    ...dirs,
    drafts: values.drafts,
    cacheDir: useCache ? dirs.cacheDir : undefined,
    parallel: values.parallel || 'auto',
    // The first call comes with the first file read or rendered, while the heap is still small: early enough to cap it.
    onProgress: (done, total) => {
      if (total >= HEAP_CAP_MIN_FILES) capHeapGrowth()
      if (!showProgress) return
      if (done === total || done % 100 === 0) process.stderr.write(`\rbuilding: ${done}/${total} files`)
      if (done === total) process.stderr.write('\n')
    },
  })
  const { summary, warnings } = result
  if (useCache) await recordBuild(dirs, started, { summary, warnings }, distFiles(result))
  return { summary, warnings, unchanged: false }
}

/** Runs the command and says what it did; a CommonJS script (scripts/run.mjs CODE_CACHED), so no top-level await. */
async function main(): Promise<void> {
  try {
    const { summary, warnings, unchanged } = await run()
    const kb = (summary.kvBytes / 1024).toFixed(1)
    if (unchanged) console.log(`nothing changed since build ${summary.buildId} (${summary.posts} posts; content, code, dist/ and public/ as it left them): up to date, nothing rebuilt`)
    else console.log(
      `built ${summary.buildId}: ${summary.posts} posts (${summary.scheduled} scheduled), ${summary.pages} pages, ` +
        `${summary.tags} tags, ${summary.categories} categories, ${summary.routes} routes, ` +
        `${summary.blobs} records, ${kb} KiB to KV, in ${summary.ms} ms (${summary.cached} files from cache); ` +
        `search index ${(summary.search.bytes / 1024).toFixed(1)} KiB in ${summary.search.records} records (${summary.search.shards} shards)`,
    )
    if (values.timings && !unchanged) console.log(`stages (ms): ${Object.entries(summary.stages).map(([name, ms]) => `${name} ${Math.round(ms)}`).join(', ')}`)
    const unknown = Object.entries(summary.unknownLanguages)
    if (unknown.length) console.log(`code shown unhighlighted (highlight.js does not know the language): ${unknown.map(([lang, n]) => `${lang} (${n})`).join(', ')}`)
    if (warnings.length) console.warn(`${warnings.length} warning(s):\n${warnings.map((w) => `  ${w}`).join('\n')}`)
  } catch (error) {
    console.error(`build failed, nothing written:\n${failureMessage(error)}`)
    if (values.debug) for (const stack of debugStacks(error)) console.error(stack)
    process.exit(1)
  }
  // Once, for the next process: V8's code cache of this command with what it ran compiled (scripts/run.mjs CODE_CACHED).
  ;(globalThis as { [k: symbol]: (() => void) | undefined })[Symbol.for('kumo.saveCodeCache')]?.()
  // Everything is written and said: ending here skips Node's teardown of both threads' heaps (~40 ms of
  // a 159-post edit, 11 alternating runs). Each empty write calls back once what was said before it is
  // out (a pipe is asynchronous outside Linux), so no line of the summary is lost.
  process.stdout.write('', () => process.stderr.write('', () => process.exit()))
}

void main()
