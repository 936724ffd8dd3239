// `npm run build` with nothing changed since the last build does nothing
// (scripts/pipeline/up-to-date.ts): only while every input and output is
// stamped as the last build left it, and the build's now cannot matter.
import { appendFile, cp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildToDisk, distFiles } from '../../scripts/pipeline/index.ts'
import { recordBuild, startInputs, unchangedBuild } from '../../scripts/pipeline/up-to-date.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-uptodate-')

async function built() {
  const root = await tempDir()
  const dirs = { contentDir: join(root, 'content'), outDir: join(root, 'dist'), publicDir: join(root, 'public'), cacheDir: join(root, 'cache') }
  await cp(FIXTURE_CONTENT, dirs.contentDir, { recursive: true })
  const started = startInputs(dirs)
  const result = await buildToDisk({ ...dirs, now: FIXTURE_NOW })
  const { summary, warnings } = result
  const files = distFiles(result)
  await recordBuild(dirs, started, { summary, warnings }, files)
  const unchanged = (nowMs = FIXTURE_NOW.getTime(), drafts = false) => unchangedBuild(dirs, { drafts, nowMs })
  return { dirs, summary, unchanged, started, files }
}

describe('an unchanged build', () => {
  it('is the last build, with its summary and warnings, while nothing changed', async () => {
    const { summary, unchanged } = await built()
    const last = await unchanged()
    expect(last?.summary.buildId).toBe(summary.buildId)
    expect(last?.summary.posts).toBe(summary.posts)
  })

  it('is not when a post, a static file or an output changed', async () => {
    for (const touch of ['content/posts/2025-01-31-deepseek-ai.md', 'content/site.yml', 'dist/manifest.json', 'public/favicon.svg']) {
      const { dirs, unchanged } = await built()
      const root = join(dirs.outDir, '..')
      await appendFile(join(root, touch), '\n')
      expect(await unchanged(), touch).toBeUndefined()
    }
  })

  it('is not when a file the build wrote in dist/ was edited or deleted, or a file was added to public/', async () => {
    const blob = (files: string[]) => files.find((f) => f.startsWith('blobs/'))!
    const changes: Array<(dirs: { outDir: string; publicDir: string }, files: string[]) => Promise<void>> = [
      (dirs, files) => appendFile(join(dirs.outDir, blob(files)), ' '),
      (dirs, files) => rm(join(dirs.outDir, blob(files))),
      (dirs) => rm(join(dirs.outDir, 'summary.json')),
      (dirs) => writeFile(join(dirs.publicDir, 'stray.txt'), 'served as is'),
    ]
    for (const change of changes) {
      const { dirs, files, unchanged } = await built()
      expect(files).toContain('manifest.json')
      expect(await unchanged()).toBeDefined()
      await change(dirs, files)
      expect(await unchanged(), String(change)).toBeUndefined()
    }
  })

  it('is not once a scheduled post has come due, or with drafts', async () => {
    const { unchanged } = await built()
    // The fixture schedules a post for 2025-06-01.
    expect(await unchanged(new Date('2025-05-31T00:00:00Z').getTime())).toBeDefined()
    expect(await unchanged(new Date('2025-07-01T00:00:00Z').getTime())).toBeUndefined()
    expect(await unchanged(FIXTURE_NOW.getTime(), true)).toBeUndefined()
  })

  it('is not, after an input changed while the build ran (the build is noted as made from the inputs as it started)', async () => {
    const { dirs, summary, started, unchanged, files } = await built()
    const post = join(dirs.contentDir, 'posts', '2025-01-31-deepseek-ai.md')
    await writeFile(post, `${await readFile(post, 'utf8')}\nEdited during the build.\n`)
    await recordBuild(dirs, started, { summary, warnings: [] }, files)
    expect(await unchanged()).toBeUndefined()
  })
})
