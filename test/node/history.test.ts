// Dating changes against the build before (scripts/pipeline/history.ts), as
// `npm start` rebuilds through a BuildSession: a route's Last-Modified moves
// exactly when its ETag does, and a post's feed entry is dated by its edit
// unless its front matter says when.
import { readFile, rm, writeFile } from 'node:fs/promises'
import { refText } from '../../src/shared/packs.ts'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BuildSession, build, type BuildResult } from '../../scripts/pipeline/index.ts'
import { entryRecord } from '../../src/shared/keys.ts'
import type { EntryRecord, Manifest } from '../../src/shared/schema.ts'
import { writeFeedFixture } from './feed-fixture.ts'

let dir: string
const session = new BuildSession()
const T1 = new Date('2025-01-01T00:00:00Z')
const T2 = new Date('2025-01-01T00:10:00Z')
const at = (d: Date) => Math.floor(d.getTime() / 1000)

const rebuild = (now: Date): Promise<BuildResult> => build({ contentDir: dir, outDir: '', publicDir: '', now, session })
const edit = async (i: number, from: string, to: string) => {
  const file = join(dir, 'posts', `2021-01-01-post-${i}.md`)
  await writeFile(file, (await readFile(file, 'utf8')).replace(from, to))
}
const entry = (r: BuildResult, path: string) => JSON.parse(refText(r.blobs, r.manifest.records[entryRecord(path)]!)!) as EntryRecord
const postPath = (r: BuildResult, i: number) => Object.keys(r.manifest.routes).find((p) => p.endsWith(`/post-${i}/`))!

/** Every route of `after` against `before`: the ETag and the date move together, and only forward. */
function expectAgreement(before: Manifest, after: Manifest, changedAt: number): number {
  let changed = 0
  for (const [path, entry] of Object.entries(after.routes)) {
    const old = before.routes[path]!
    if (old[1] === entry[1]) expect(entry[2], path).toBe(old[2])
    else {
      changed++
      expect(entry[2], path).toBeGreaterThan(old[2])
      expect(entry[2], path).toBeGreaterThanOrEqual(changedAt)
    }
  }
  return changed
}

beforeAll(async () => {
  dir = await writeFeedFixture()
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('a rebuild dated against the one before', () => {
  let first: BuildResult
  let second: BuildResult

  it('keeps content dates on a first build', async () => {
    first = await rebuild(T1)
    const path = postPath(first, 11)
    expect(first.manifest.routes[path]![2]).toBe(at(new Date('2021-02-03T01:11:00Z')))
    expect(entry(first, path).updated).toBeUndefined()
  })

  it('dates an edited body by the rebuild, on the post and every route whose ETag moved', async () => {
    await edit(11, 'Intro for post 11,', 'Intro for post 11, now edited,')
    // Post 10 has last_modified_at in its front matter: that stays its entry's date.
    await edit(10, 'Intro for post 10,', 'Intro for post 10, edited too,')
    second = await rebuild(T2)
    const changed = expectAgreement(first.manifest, second.manifest, at(T2))
    const post11 = postPath(second, 11)
    expect(second.manifest.routes[post11]![2]).toBe(at(T2))
    // Two posts' pages, the feed pages that carry them (each format), the sitemap's neighbours do not move.
    expect(changed).toBeGreaterThanOrEqual(2)
    expect(entry(second, post11).updated).toBe('2025-01-01T09:10:00+09:00')
    expect(entry(second, postPath(second, 10)).updated).toBe(entry(first, postPath(first, 10)).updated)
    expect(second.manifest.routes[postPath(second, 10)]![2]).toBe(at(T2))
    // A post nobody touched keeps its validators and its entry.
    const post12 = postPath(second, 12)
    expect(second.manifest.routes[post12]).toEqual(first.manifest.routes[post12])
    expect(entry(second, post12)).toEqual(entry(first, post12))
  })

  it('dates a second edit in the same second after the first, since HTTP dates count whole seconds', async () => {
    await edit(11, 'now edited,', 'now edited twice,')
    const third = await rebuild(T2)
    expectAgreement(second.manifest, third.manifest, at(T2))
    expect(third.manifest.routes[postPath(third, 11)]![2]).toBe(at(T2) + 1)
    // The entry keeps the edit's own time; only the source's change dates it.
    expect(entry(third, postPath(third, 11)).updated).toBe('2025-01-01T09:10:00+09:00')
    second = third
  })

  it('changes nothing, build id included, when nothing changed', async () => {
    const again = await rebuild(new Date('2025-02-01T00:00:00Z'))
    expect(again.manifest.buildId).toBe(second.manifest.buildId)
    expect(again.manifest.routes).toEqual(second.manifest.routes)
  })

  it('measures against the build it is given, as a deploy does with the live one', async () => {
    await edit(12, 'Intro for post 12,', 'Intro for post 12, edited for a deploy,')
    const T3 = new Date('2025-03-01T00:00:00Z')
    const deployed = await build({ contentDir: dir, outDir: '', publicDir: '', now: T3, previous: first.manifest })
    expectAgreement(first.manifest, deployed.manifest, at(T3))
    // Post 11's edit is news to the first build too: dated by this one.
    expect(entry(deployed, postPath(deployed, 11)).updated).toBe('2025-03-01T09:00:00+09:00')
    expect(entry(deployed, postPath(deployed, 12)).updated).toBe('2025-03-01T09:00:00+09:00')
  })
})
