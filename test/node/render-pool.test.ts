// Rendering on two threads gives exactly what one thread gives, errors included.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateCorpus } from '../../scripts/bench/corpus.ts'
import { build } from '../../scripts/pipeline/index.ts'
import { PARALLEL_MIN_FILES, poolStats } from '../../scripts/pipeline/render-pool.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-pool-')

describe('parallel render', () => {
  it('builds the same manifest and records as a serial build', async () => {
    const dir = await tempDir()
    await generateCorpus(dir, PARALLEL_MIN_FILES + 50, 3)
    const now = new Date('2025-06-01T00:00:00Z')
    const serial = await build({ contentDir: dir, outDir: '', publicDir: '', now, parallel: false })
    const before = poolStats.workerFiles
    const parallel = await build({ contentDir: dir, outDir: '', publicDir: '', now, parallel: true })
    // The second thread did render (it falls back to the main thread silently).
    expect(poolStats.workerFiles - before).toBeGreaterThan(100)
    expect(parallel.manifest.buildId).toBe(serial.manifest.buildId)
    expect([...parallel.blobs.keys()]).toEqual([...serial.blobs.keys()])
  })

  it('reports bad files from either thread, in file order', async () => {
    const dir = await tempDir()
    await generateCorpus(dir, PARALLEL_MIN_FILES + 50, 4)
    await writeFile(join(dir, 'posts', '2000-01-01-first-bad.md'), '---\ndate: 2000-01-01\n---\n')
    await writeFile(join(dir, 'posts', '2099-01-01-last-bad.md'), '---\ntitle: [\n---\n')
    const error = await build({ contentDir: dir, outDir: '', publicDir: '', now: new Date(), parallel: true }).catch((e: Error) => e)
    expect((error as Error).message.split('\n')).toEqual([
      'posts/2000-01-01-first-bad.md:1: `title` is missing; add a line such as `title: "My post"` to the front matter',
      expect.stringMatching(/^posts\/2099-01-01-last-bad\.md:2: front matter is not valid YAML/),
    ])
  })
})
