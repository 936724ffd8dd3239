/**
 * `npm run verify:jekyll -- <jekyll site folder> [--out dir] [--keep-temp]`:
 * builds the site with real Jekyll into <out>/site, <out>/bodies and
 * <out>/reference.json (see jekyll.ts). The site folder is left untouched.
 */

import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { JekyllBuildError, JekyllMissingError, jekyllBuild } from './jekyll.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, 'keep-temp': { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } },
})
if (positionals.length !== 1) {
  console.error('usage: npm run verify:jekyll -- <jekyll site folder> [--out dir] [--keep-temp]')
  process.exit(2)
}
const site = resolve(positionals[0]!)
const out = resolve(values.out ?? join(tmpdir(), 'kumo-jekyll-ref', basename(site)))
try {
  const ref = await jekyllBuild(site, out, {
    keepTemp: values['keep-temp'],
    log: values.quiet ? undefined : (line) => console.error(line),
  })
  console.log(`${out}: ${ref.posts.length} posts, ${ref.pages.length} pages, ${ref.staticFiles.length} static files`)
  console.log(`theme: ${ref.theme.used ?? 'none'}; site/ built with ${ref.theme.siteMode}`)
  if (ref.plugins.dropped.length) console.log(`dropped plugins: ${ref.plugins.dropped.join(', ')}`)
  for (const r of ref.repairs) console.log(`repair (${r.build}): ${r.kind} ${r.name}`)
  for (const w of ref.warnings) console.log(`warning: ${w}`)
} catch (error) {
  if (error instanceof JekyllBuildError || error instanceof JekyllMissingError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}
