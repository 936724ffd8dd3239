// A rebuild in the same process (npm start's session) skips work for what did
// not change: files whose stat stamp is as it was are not read, packs whose
// members are the same are not joined and hashed again, and posts whose images
// rewrite the same way keep their records. None of that may change the output:
// a session's rebuild after an edit equals a fresh build of the same files.
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BuildSession, build, type BuildResult } from '../../scripts/pipeline/index.ts'
import { refText } from '../../src/shared/packs.ts'
import type { PostView } from '../../src/shared/schema.ts'
import { FIXTURE_NOW, SEED_POST, copyFixture } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-session-')
const POST = SEED_POST.file
const ROUTE = SEED_POST.path

async function setup() {
  const root = await tempDir()
  const contentDir = await copyFixture(root)
  const cacheDir = join(root, 'cache')
  const session = new BuildSession()
  const run = (s?: BuildSession, dir = cacheDir, before?: BuildResult) =>
    build({ contentDir, outDir: '', publicDir: '', now: FIXTURE_NOW, cacheDir: dir, session: s, previous: before?.manifest, searchBase: before?.searchBase })
  return { root, contentDir, session, run }
}

const html = (r: BuildResult) => (JSON.parse(refText(r.blobs, r.manifest.routes[ROUTE]![0])!) as PostView).html
const output = (r: BuildResult) => ({ ...r.manifest, builtAt: '' })

describe('a rebuild in the same session', () => {
  it('sees an edit that keeps the size and the modification time', async () => {
    const { contentDir, session, run } = await setup()
    const file = join(contentDir, POST)
    // A whole second, so that setting it again gives the very same stamp (stat's times have nanoseconds).
    const second = new Date('2025-02-01T00:00:00Z')
    await utimes(file, second, second)
    await run(session)
    const text = await readFile(file, 'utf8')
    // Same length, one letter changed, mtime put back: only the change time (and the inode, for a rename) tells.
    const edited = text.replace('DeepSeek R1 的横空出世', 'DeepSeeK R1 的横空出世')
    expect(edited).not.toBe(text)
    await writeFile(file, edited)
    await utimes(file, second, second)
    expect((await stat(file)).size).toBe(Buffer.byteLength(text))
    expect(html(await run(session))).toContain('DeepSeeK')
  })

  it('makes the same manifest and blobs as a fresh build, after an edit, a new title, a new post and a removed one', async () => {
    const { root, contentDir, session, run } = await setup()
    await run(session)
    const before = await run(session)
    const file = join(contentDir, POST)
    await writeFile(file, `${await readFile(file, 'utf8')}\nAn edited line.\n`)
    await writeFile(join(contentDir, 'posts', '2025-02-01-new-one.md'), '---\ntitle: New one\ntags: [ai]\n---\nA new post.\n')
    await rm(join(contentDir, 'posts', '2022-08-15-typora-notes.md'))
    // A neighbour's new title: the posts beside it link to it by title.
    const neighbour = join(contentDir, 'posts', '2025-02-14-swift-concurrency-notes.md')
    await writeFile(neighbour, (await readFile(neighbour, 'utf8')).replace(/^title: .*$/m, 'title: A new title'))
    const again = await run(session)
    // Dated, and its search delta measured, against the same build before, as the session's rebuild is.
    const fresh = await run(undefined, join(root, 'other-cache'), before)
    expect(html(again)).toContain('An edited line.')
    expect(again.manifest.routes['/2022/08/typora-notes/']).toBeUndefined()
    expect(JSON.stringify([...again.blobs.values()])).toContain('A new title')
    expect(output(again)).toEqual(output(fresh))
    expect([...again.blobs].sort()).toEqual([...fresh.blobs].sort())
  })
})
