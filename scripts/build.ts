/**
 * `npm run build [-- --drafts]`: builds content/ into dist/ (content-addressed
 * blobs and the manifest) and public/ (static assets). Exits non-zero, writing nothing, on
 * any bad input.
 */

import { parseArgs } from 'node:util'
import { BuildError, BuildErrors } from './pipeline/errors.ts'
import { buildToDisk } from './pipeline/index.ts'
import { RENDER_CACHE, paths } from './project.ts'

const { values } = parseArgs({
  options: {
    drafts: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    // --no-cache: parse and render every file afresh (the cache lives in .kumo/cache/).
    'no-cache': { type: 'boolean', default: false },
    // --parallel: render on a second thread too (render-pool.ts); off by default, as it did not pay in measurements.
    parallel: { type: 'boolean', default: false },
  },
})

try {
  const { summary, warnings } = await buildToDisk({
    ...paths,
    drafts: values.drafts,
    cacheDir: values['no-cache'] ? undefined : RENDER_CACHE,
    parallel: values.parallel,
    onProgress: values.quiet || !process.stderr.isTTY ? undefined : (done, total) => {
      if (done === total || done % 100 === 0) process.stderr.write(`\rbuilding: ${done}/${total} files`)
      if (done === total) process.stderr.write('\n')
    },
  })
  const kb = (summary.kvBytes / 1024).toFixed(1)
  console.log(
    `built ${summary.buildId}: ${summary.posts} posts (${summary.scheduled} scheduled), ${summary.pages} pages, ` +
      `${summary.tags} tags, ${summary.categories} categories, ${summary.routes} routes, ` +
      `${summary.blobs} records, ${kb} KiB to KV, in ${summary.ms} ms (${summary.cached} files from cache); ` +
      `search index ${(summary.search.bytes / 1024).toFixed(1)} KiB in ${summary.search.records} records (${summary.search.shards} shards)`,
  )
  if (warnings.length) console.warn(`${warnings.length} warning(s):\n${warnings.map((w) => `  ${w}`).join('\n')}`)
} catch (error) {
  if (error instanceof BuildErrors || error instanceof BuildError) {
    console.error(`build failed, nothing written:\n${error.message}`)
    process.exit(1)
  }
  throw error
}
