// npm start shows a saved post before the rest of its build (scripts/pipeline/quick.ts): the
// post's new page patched into the previous build. The patch must be what the whole build then
// makes of that page (the same record, ETag and Last-Modified, so the open page reloads once),
// its stored form what encodeManifest makes of it, and it must not be offered for a save that
// changes what another page shows.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BuildSession, build } from '../../scripts/pipeline/index.ts'
import type { Quick } from '../../scripts/pipeline/quick.ts'
import { decodeManifest, decodePatch, encodeManifest, patchedIndex } from '../../src/shared/manifest-codec.ts'
import { refText } from '../../src/shared/packs.ts'
import { FIXTURE_NOW, SEED_POST, copyFixture } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-quick-')
const ROUTE = SEED_POST.path

async function setup() {
  const root = await tempDir()
  const contentDir = await copyFixture(root)
  const session = new BuildSession()
  const early: Quick[] = []
  const run = () =>
    build({ contentDir, outDir: '', publicDir: '', now: FIXTURE_NOW, cacheDir: join(root, 'cache'), session, onQuick: async (q) => void early.push(q) })
  const before = await run()
  const file = join(contentDir, SEED_POST.file)
  const edit = async (change: (text: string) => string) => writeFile(file, change(await readFile(file, 'utf8')))
  return { contentDir, run, before, early, edit }
}

describe('a saved post shown before its whole build', () => {
  it("is the whole build's page: the same record, ETag and Last-Modified; the rest is the build before", async () => {
    const { run, before, early, edit } = await setup()
    expect(early).toEqual([]) // nothing to patch on a session's first build
    await edit((t) => `${t}\nA line added at the end, [with a link](https://example.com/).\n`)
    const after = await run()
    expect(early).toHaveLength(1)
    const [quick] = early as [Quick]
    expect(quick.paths).toEqual([ROUTE])
    const shown = quick.manifest.routes[ROUTE]!
    const built = after.manifest.routes[ROUTE]!
    expect(refText(quick.blobs, shown[0])).toContain('A line added at the end')
    expect(refText(quick.blobs, shown[0])).toBe(refText(after.blobs, built[0]))
    expect(shown.slice(1)).toEqual(built.slice(1))
    expect(shown[1]).not.toBe(before.manifest.routes[ROUTE]![1])
    // Every other route and record as the build before served them.
    expect({ ...quick.manifest.routes, [ROUTE]: undefined }).toEqual({ ...before.manifest.routes, [ROUTE]: undefined })
    expect(quick.manifest.records).toEqual(before.manifest.records)
    expect(quick.manifest.edits![ROUTE]).toEqual(after.manifest.edits![ROUTE])
    // Stored as the lines it changes in the build before (manifest-codec.ts encodePatch): read over that build, it is
    // the whole manifest, entry for entry.
    const bytes = (text: string) => new TextEncoder().encode(text)
    const patch = decodePatch(bytes(quick.encoded))!
    expect([patch.header.base, [...patch.lines.keys()].filter((k) => k !== `@${ROUTE}`)]).toEqual([before.manifest.buildId, [ROUTE]])
    const index = patchedIndex(decodeManifest(bytes(encodeManifest(before.manifest))), patch)
    const whole = decodeManifest(bytes(encodeManifest(quick.manifest)))
    expect([index.buildId, index.route(ROUTE)]).toEqual([quick.manifest.buildId, shown])
    for (const path of Object.keys(quick.manifest.routes)) expect(index.route(path)).toEqual(whole.route(path))
    for (const name of Object.keys(quick.manifest.records)) expect(index.record(name)).toBe(whole.record(name))
    expect(quick.manifest.buildId).not.toBe(before.manifest.buildId)
  })

  it('is not offered for a save that changes what another page shows, nor for a new post', async () => {
    const { contentDir, run, early, edit } = await setup()
    const cases: Array<[string, () => Promise<unknown>]> = [
      // Listings and neighbours show the title; listings the excerpt (the first paragraph).
      ['a new title', () => edit((t) => t.replace(/^title: .*$/m, 'title: A new title'))],
      ['a new first paragraph', () => edit((t) => t.replace(/^(---\n[\s\S]*?\n---\n)/, '$1\nA new first paragraph.\n\n'))],
      ['new tags', () => edit((t) => t.replace(/^tags: .*$/m, 'tags: [brand-new-tag]'))],
      ['a new post', () => writeFile(join(contentDir, 'posts', '2025-02-02-another.md'), '---\ntitle: Another\n---\nA new post.\n')],
    ]
    for (const [what, change] of cases) {
      await change()
      const after = await run()
      expect([what, early.length]).toEqual([what, 0])
      expect(after.summary.posts).toBeGreaterThan(0)
    }
  })
})
