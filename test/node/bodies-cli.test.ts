// `npm run verify:bodies` on a folder that is no Jekyll site says so in one line, with no stack trace.

import { spawnSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-bodies-cli-')
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

it('a folder with _posts but no _config.yml is refused in one line naming it', async () => {
  const site = await tempDir()
  await mkdir(join(site, '_posts'))
  await writeFile(join(site, '_posts', 'a-post.md'), '# A post\n')
  // A reference build of it, as verify:jekyll writes one: Jekyll built no posts from undated files.
  const ref = await tempDir()
  await writeFile(join(ref, 'reference.json'), JSON.stringify({ posts: [] }))
  const run = spawnSync(process.execPath, ['scripts/run.mjs', 'verify/bodies-cli', site, '--ref', ref], { cwd: ROOT, encoding: 'utf8' })
  expect(run.status).toBe(1)
  expect(run.stderr.trim()).toBe(`${site}: no _config.yml, so this is not a Jekyll site; point the importer at the folder that holds _config.yml and _posts/`)
  expect(run.stderr).not.toMatch(/\n\s+at /)
}, 60_000)
