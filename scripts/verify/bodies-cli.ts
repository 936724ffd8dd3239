/**
 * `npm run verify:bodies -- <jekyll site folder> --ref <reference build> [--json] [--limit N]`:
 * imports and builds the site with Kumo and compares every post body with the
 * one real Jekyll made (the reference build from `npm run verify:jekyll`),
 * element by element (see bodies.ts). Prints the totals and each post that
 * differs with an excerpt of each difference; `--json` prints the report.
 * Exits 1 when a post differs.
 */

import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { formatReport } from './bodies.ts'
import { verifySiteBodies } from './site-bodies.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { ref: { type: 'string' }, json: { type: 'boolean', default: false }, limit: { type: 'string', default: '50' } },
})
if (positionals.length !== 1 || !values.ref) {
  console.error('usage: npm run verify:bodies -- <jekyll site folder> --ref <reference build from npm run verify:jekyll> [--json] [--limit N]')
  process.exit(2)
}
const site = resolve(positionals[0]!)
const report = await verifySiteBodies(site, resolve(values.ref))
if (values.json) console.log(JSON.stringify(report, null, 2))
else {
  console.log(formatReport(basename(site), report, Number(values.limit)))
  if (report.onlyJekyll.length) console.log(`  built by Jekyll only (${report.onlyJekyll.length}): ${report.onlyJekyll.slice(0, 10).join(', ')}`)
  if (report.onlyKumo.length) console.log(`  built by Kumo only (${report.onlyKumo.length}): ${report.onlyKumo.slice(0, 10).join(', ')}`)
  for (const e of report.errors) console.log(`  refused by the build: ${e}`)
}
process.exit(report.identical === report.posts ? 0 : 1)
