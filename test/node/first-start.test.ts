// npm start's first build, kept off the way to the first page: public/ is written before the
// runtime starts (prepublish), from what is known without the posts, so the build finds it as it
// would write it and the runtime need not restart to serve it; and the render cache is saved
// only when the preview asks (saveCache), once the build is served.
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasPacks } from '../../scripts/pipeline/cache.ts'
import { BuildSession, build, prepublish, writePublic } from '../../scripts/pipeline/index.ts'
import { FIXTURE_NOW, copyFixture } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-first-start-')

async function dirs() {
  const root = await tempDir()
  const contentDir = await copyFixture(root)
  return { root, contentDir, outDir: join(root, 'dist'), publicDir: join(root, 'public'), cacheDir: join(root, 'cache') }
}

const tree = async (dir: string) => (await readdir(dir, { recursive: true })).sort()

describe("npm start's first build", () => {
  it('finds public/ as it would write it when prepublished, and writes it again when content changed since', async () => {
    const d = await dirs()
    await prepublish(d)
    const early = await tree(d.publicDir)
    expect(early).toEqual(expect.arrayContaining(['_headers', 'favicon.svg', join('assets', 'img')]))
    const result = await build({ ...d, now: FIXTURE_NOW })
    const { changed } = await writePublic(result, d)
    expect(changed).toBe(false)
    expect(await tree(d.publicDir)).toEqual(early)

    // A file added to content/assets between the two: public/ is written again, with it.
    const again = await dirs()
    await prepublish(again)
    await writeFile(join(again.contentDir, 'assets', 'added.txt'), 'added after the start')
    const second = await writePublic(await build({ ...again, now: FIXTURE_NOW }), again)
    expect(second.changed).toBe(true)
    expect(await tree(again.publicDir)).toContain(join('assets', 'added.txt'))
  })

  it('leaves the render cache unsaved until the preview saves it, when it asks for quick patches', async () => {
    const d = await dirs()
    const result = await build({ ...d, now: FIXTURE_NOW, session: new BuildSession(), onQuick: async () => undefined })
    expect(await hasPacks(d.cacheDir)).toBe(false)
    await result.saveCache!()
    expect(await hasPacks(d.cacheDir)).toBe(true)
    // A build without the hook saves its own, and has nothing to hand over.
    const plain = await dirs()
    const own = await build({ ...plain, now: FIXTURE_NOW })
    expect(own.saveCache).toBeUndefined()
    expect(await hasPacks(plain.cacheDir)).toBe(true)
  })
})
