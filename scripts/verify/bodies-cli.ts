/**
 * `npm run verify:bodies -- <jekyll site folder> [--ref <reference build>] [--json] [--limit N]`:
 * imports and builds the site with Kumo and compares every post body with the
 * one real Jekyll made, element by element (see bodies.ts). The reference is
 * `--ref` (a folder `npm run verify:jekyll` wrote), else built now with
 * Debian's jekyll into a temporary folder (scripts/verify/jekyll.ts). Prints
 * the totals and each post that differs with an excerpt of each difference;
 * `--json` prints the report. Exits 1 when a post differs.
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ImportError } from '../import/index.ts'
import { formatReport } from './bodies.ts'
import { JekyllBuildError, JekyllMissingError, jekyllBuild } from './jekyll.ts'
import { verifySiteBodies } from './site-bodies.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { ref: { type: 'string' }, json: { type: 'boolean', default: false }, limit: { type: 'string', default: '50' } },
})
if (positionals.length !== 1) {
  console.error('usage: npm run verify:bodies -- <jekyll site folder> [--ref <reference build from npm run verify:jekyll>] [--json] [--limit N]')
  process.exit(2)
}
const site = resolve(positionals[0]!)
let ref = values.ref ? resolve(values.ref) : undefined
const made = ref ? undefined : await mkdtemp(join(tmpdir(), 'kumo-bodies-ref-'))
if (made) {
  try {
    await jekyllBuild(site, made, { log: values.json ? undefined : (line) => console.error(line) })
  } catch (error) {
    await rm(made, { recursive: true, force: true })
    if (error instanceof JekyllBuildError || error instanceof JekyllMissingError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
  ref = made
}
let found: Awaited<ReturnType<typeof verifySiteBodies>> | undefined
try {
  found = await verifySiteBodies(site, ref!)
} catch (error) {
  // A folder that is no Jekyll site (no _config.yml): the importer's one line, not a stack trace.
  if (!(error instanceof ImportError)) throw error
  console.error(error.message)
} finally {
  if (made) await rm(made, { recursive: true, force: true })
}
if (!found) process.exit(1)
const report = found
if (values.json) console.log(JSON.stringify(report, null, 2))
else {
  console.log(formatReport(basename(site), report, Number(values.limit)))
  if (report.onlyJekyll.length) console.log(`  built by Jekyll only (${report.onlyJekyll.length}): ${report.onlyJekyll.slice(0, 10).join(', ')}`)
  if (report.onlyKumo.length) console.log(`  built by Kumo only (${report.onlyKumo.length}): ${report.onlyKumo.slice(0, 10).join(', ')}`)
  for (const e of report.errors) console.log(`  refused by the build: ${e}`)
}
process.exit(report.identical === report.posts ? 0 : 1)
