// The config stage's memo (scripts/pipeline/config.ts): a build with a cache
// folder keeps the validated site.yml, and takes it back only for the same
// text and renderer; an edited or broken site.yml is always read afresh.
import { cp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { config } from '../../scripts/pipeline/config.ts'
import { build } from '../../scripts/pipeline/index.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-config-memo-')

async function setup() {
  const root = await tempDir()
  const contentDir = join(root, 'content')
  await cp(FIXTURE_CONTENT, contentDir, { recursive: true })
  const cacheDir = join(root, 'cache')
  const siteYml = join(contentDir, 'site.yml')
  return { contentDir, cacheDir, siteYml }
}

describe('site config memo', () => {
  it('gives the same settings as parsing site.yml, and the same build', async () => {
    const { contentDir, cacheDir } = await setup()
    const parsed = await config(contentDir)
    expect(await config(contentDir, cacheDir)).toEqual(parsed)
    // The second call takes the memo the first one left.
    expect(JSON.stringify(await config(contentDir, cacheDir))).toBe(JSON.stringify(parsed))
    const withMemo = await build({ contentDir, outDir: '', publicDir: '', now: FIXTURE_NOW, cacheDir })
    const without = await build({ contentDir, outDir: '', publicDir: '', now: FIXTURE_NOW })
    expect([...withMemo.blobs]).toEqual([...without.blobs])
  })

  it('an edited site.yml is read again', async () => {
    const { contentDir, cacheDir, siteYml } = await setup()
    await config(contentDir, cacheDir)
    await writeFile(siteYml, (await readFile(siteYml, 'utf8')).replace(/^title:.*$/m, 'title: Edited title'))
    expect((await config(contentDir, cacheDir)).title).toBe('Edited title')
  })

  it('a broken site.yml is reported though an earlier one was kept', async () => {
    const { contentDir, cacheDir, siteYml } = await setup()
    await config(contentDir, cacheDir)
    await writeFile(siteYml, (await readFile(siteYml, 'utf8')).replace(/^paginate:.*$/m, 'paginate: 0'))
    await expect(config(contentDir, cacheDir)).rejects.toThrow(/paginate/)
  })

  it('a damaged memo is ignored and written again', async () => {
    const { contentDir, cacheDir } = await setup()
    const parsed = await config(contentDir, cacheDir)
    await writeFile(join(cacheDir, 'site-config.json'), '{"key":')
    expect(await config(contentDir, cacheDir)).toEqual(parsed)
    expect(JSON.parse(await readFile(join(cacheDir, 'site-config.json'), 'utf8')).config).toEqual(parsed)
  })
})
