// The content-hash cache: an unchanged rebuild reuses every parse + render and
// produces the same output; an edited file alone is rendered again.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { build } from '../../scripts/build/index.ts'
import type { PostRecord } from '../../src/shared/schema.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'

const temps: string[] = []
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function setup() {
  const root = await mkdtemp(join(tmpdir(), 'kumo-cache-'))
  temps.push(root)
  const contentDir = join(root, 'content')
  await cp(FIXTURE_CONTENT, contentDir, { recursive: true })
  const cacheDir = join(root, 'cache')
  const run = () => build({ contentDir, outDir: '', publicDir: '', now: FIXTURE_NOW, cacheDir })
  const entries = async () => {
    const packs = (await readdir(cacheDir)).filter((f) => f.endsWith('.ndjson'))
    const texts = await Promise.all(packs.map((f) => readFile(join(cacheDir, f), 'utf8')))
    return texts.join('').split('\n').filter(Boolean).length
  }
  return { contentDir, run, entries }
}

describe('content-hash cache', () => {
  it('reuses every file on an unchanged rebuild, with identical output', async () => {
    const { run, entries } = await setup()
    const cold = await run()
    expect(cold.summary.cached).toBe(0)
    const files = await entries()
    expect(files).toBeGreaterThan(5)
    const warm = await run()
    expect(warm.summary.cached).toBe(files)
    expect(warm.manifest.routes).toEqual(cold.manifest.routes)
    expect([...warm.blobs]).toEqual([...cold.blobs])
  })

  it('renders an edited post again and reuses the rest', async () => {
    const { contentDir, run, entries } = await setup()
    await run()
    const files = await entries()
    const file = join(contentDir, 'posts', '2025-01-31-deepseek-ai.md')
    await writeFile(file, `${await readFile(file, 'utf8')}\nAn edited line.\n`)
    const result = await run()
    expect(result.summary.cached).toBe(files - 1)
    const post = JSON.parse(result.blobs.get(result.manifest.routes['/2025/01/deepseek-ai/']![0])!) as PostRecord
    expect(post.html).toContain('An edited line.')
    expect(await entries()).toBe(files) // the stale entry was pruned
  })

  it('drops entries of deleted files', async () => {
    const { contentDir, run, entries } = await setup()
    await run()
    const files = await entries()
    await rm(join(contentDir, 'posts', '2025-01-31-deepseek-ai.md'))
    await run()
    expect(await entries()).toBe(files - 1)
  })
})
