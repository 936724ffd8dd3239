/**
 * `npm run import -- <path to a Jekyll site> [--into content] [--force]`:
 * copies its posts, drafts and assets into Kumo's content folder, writes
 * site.yml from _config.yml, and lists what it could not carry over.
 */

import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ImportError, importJekyll } from './import/index.ts'
import { paths } from './project.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { into: { type: 'string' }, force: { type: 'boolean', default: false } },
})
if (positionals.length !== 1) {
  console.error('usage: npm run import -- <path to a Jekyll site> [--into content] [--force]')
  process.exit(2)
}
const into = values.into ? resolve(values.into) : paths.contentDir
try {
  const report = await importJekyll(resolve(positionals[0]!), into, { force: values.force })
  console.log(`imported ${report.posts} posts, ${report.drafts} drafts, ${report.pages} pages, ${report.assets} asset files into ${into}`)
  console.log(`site.yml: permalink ${report.site.permalink}, timezone ${report.site.timezone}, url ${report.site.url}`)
  if (report.notCarried.length) {
    console.log(`\nnot carried over (${report.notCarried.length}):`)
    for (const line of report.notCarried) console.log(`  - ${line}`)
  }
  console.log('\nnext: npm run build')
} catch (error) {
  if (error instanceof ImportError) {
    console.error(`import failed: ${error.message}`)
    process.exit(1)
  }
  throw error
}
