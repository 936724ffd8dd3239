/**
 * `npm run build [-- --drafts]`: builds content/ into dist/ (KV bulk file and
 * manifest) and public/ (static assets). Exits non-zero, writing nothing, on
 * any bad input.
 */

import { parseArgs } from 'node:util'
import { BuildError, BuildErrors } from './build/errors.ts'
import { buildToDisk } from './build/index.ts'
import { paths } from './project.ts'

const { values } = parseArgs({ options: { drafts: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } } })

try {
  const { summary } = await buildToDisk({
    ...paths,
    drafts: values.drafts,
    onProgress: values.quiet || !process.stderr.isTTY ? undefined : (done, total) => {
      if (done === total || done % 100 === 0) process.stderr.write(`\rbuilding: ${done}/${total} files`)
      if (done === total) process.stderr.write('\n')
    },
  })
  const kb = (summary.kvBytes / 1024).toFixed(1)
  console.log(
    `built ${summary.buildId}: ${summary.posts} posts (${summary.scheduled} scheduled), ${summary.pages} pages, ` +
      `${summary.tags} tags, ${summary.categories} categories, ${summary.routes} routes, ` +
      `${summary.blobs} records, ${kb} KiB to KV, in ${summary.ms} ms; ` +
      `search index ${(summary.search.bytes / 1024).toFixed(1)} KiB in ${summary.search.records} records (${summary.search.shards} shards)`,
  )
} catch (error) {
  if (error instanceof BuildErrors || error instanceof BuildError) {
    console.error(`build failed, nothing written:\n${error.message}`)
    process.exit(1)
  }
  throw error
}
