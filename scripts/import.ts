/**
 * `npm run import -- <Jekyll site> [--into content] [--replace] [--built <old _site>] [--verify <old _site | sitemap.xml>] [--json]`
 *
 * Step 1 of moving in: copies what Jekyll would publish into Kumo's content
 * folder (scripts/import/), writes site.yml from _config.yml, and lists what
 * it could not carry over. With --verify, step 2: builds the result, serves
 * it locally and requests every URL of the old site (scripts/verify/migration.ts).
 */

import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BuildError, BuildErrors } from './pipeline/errors.ts'
import { ImportError, importJekyll, type ImportReport } from './import/index.ts'
import { formatReport, verifyMigration, type MigrationReport } from './verify/migration.ts'
import { paths } from './project.ts'

const USAGE = 'usage: npm run import -- <path to a Jekyll site> [--into content] [--replace] [--built <old _site>] [--verify <old _site or sitemap.xml> [--ref <folder from npm run verify:jekyll>]] [--json]'

process.env.WRANGLER_SEND_METRICS = 'false'
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'

let args
try {
  args = parseArgs({
    allowPositionals: true,
    options: { into: { type: 'string' }, replace: { type: 'boolean', default: false }, built: { type: 'string' }, verify: { type: 'string' }, ref: { type: 'string' }, json: { type: 'boolean', default: false }, debug: { type: 'boolean', default: false } },
  })
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`)
  process.exit(2)
}
const { values, positionals } = args
if (positionals.length !== 1) {
  console.error(USAGE)
  process.exit(2)
}
const into = values.into ? resolve(values.into) : paths.contentDir
// An old _site given to --verify is also where generated files are taken from, unless --built says otherwise.
const verify = values.verify ? resolve(values.verify) : undefined
const built = values.built ? resolve(values.built) : verify && !/\.xml$/i.test(verify) ? verify : undefined

function printImport(report: ImportReport): void {
  console.log(`imported ${report.posts} posts, ${report.drafts} drafts, ${report.pages} pages, ${report.assets} files (${report.fromBuild} from the old build) into ${into}`)
  console.log(`site.yml: permalink ${report.site.permalink}, timezone ${report.site.timezone}, url ${report.site.url}; ${report.redirects} old listing URLs redirect to Kumo's`)
  if (report.serviceWorkers.length) console.log(`service worker: ${report.serviceWorkers.join(', ')} now serve a worker that clears the old caches and unregisters itself, so returning readers see the new site`)
  if (report.replacedTo) console.log(`the folder that was there is now ${report.replacedTo}`)
  if (report.notCarried.length) {
    console.log(`\nnot carried over (${report.notCarried.length}):`)
    for (const line of report.notCarried) console.log(`  - ${line}`)
  }
}

try {
  const report = await importJekyll(resolve(positionals[0]!), into, { replace: values.replace, ...(built ? { built } : {}) })
  let migration: MigrationReport | undefined
  if (!values.json) printImport(report)
  if (verify) {
    if (!values.json) console.log('\nstep 2, the migration report:')
    migration = await verifyMigration({ contentDir: into, old: verify, ...(values.ref ? { ref: resolve(values.ref) } : {}), log: values.json ? undefined : (l) => console.log(`  ${l}`) })
    if (!values.json) console.log(formatReport(migration))
  }
  if (values.json) console.log(JSON.stringify({ import: report, ...(migration ? { migration } : {}) }, null, 1))
  else if (!verify) console.log(`\nnext: npm start, or check every old URL with: npm run import -- ${positionals[0]} --replace --verify <old _site or sitemap.xml>`)
  process.exit(migration && migration.totals.lost > 0 ? 3 : 0)
} catch (error) {
  if (error instanceof ImportError) {
    console.error(`import failed, nothing written: ${error.message}`)
    process.exit(1)
  }
  if (error instanceof BuildError || error instanceof BuildErrors) {
    console.error(`the imported content does not build:\n${error.message}`)
    process.exit(1)
  }
  // Anything else by its first line; the stack only with --debug.
  console.error(`import failed: ${String((error as Error)?.message ?? error).split('\n', 1)[0]}; run again with --debug to see where`)
  if (values.debug) console.error((error as Error)?.stack ?? error)
  process.exit(1)
}
