// npm start's fast paths: local KV seeded with only what it lacks (after an
// edit, the edited post's new records and the new manifest), through the
// seeding worker on wrangler dev's own state; a warm start that serves the
// last build at once when nothing changed; the file-hash memo behind a quick
// rebuild; wrangler.toml read as wrangler reads it. The end-to-end case runs
// the real preview (workerd through Miniflare, offline).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cp, mkdir, readFile, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { KvEntry, KvTarget } from '../../scripts/deploy/kv-target.ts'
import { fileSha256, keepFileHashes } from '../../scripts/pipeline/file-hash.ts'
import { BuildSession, build } from '../../scripts/pipeline/index.ts'
import { startPreview, type StartTimes } from '../../scripts/preview/index.ts'
import { batches } from '../../scripts/preview/workerd.ts'
import { workerConfig } from '../../scripts/preview/wrangler-config.ts'
import { inputsPrint, rememberBuild, resumableBuild } from '../../scripts/preview/resume.ts'
import { paths } from '../../scripts/project.ts'
import { EARLY_MIN_RECORDS, seedLocal, seedSoon } from '../../scripts/seed-local.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import { CURRENT_KEY, blobKey, buildKey } from '../../src/shared/keys.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-preview-')
const POST = join('posts', '2024-12-20-hello-kumo.md')
const PAGE = '/2024/12/hello-kumo/'

/** A KvTarget that only records what is put, batch by batch. */
function recorder(): KvTarget & { batches: string[][] } {
  const batches: string[][] = []
  return {
    name: 'recorder',
    batches,
    get: async () => null,
    putMany: async (entries: KvEntry[]) => void batches.push(entries.map((e) => e.key)),
    deleteMany: async () => undefined,
    list: async () => [],
  }
}

async function contentCopy(): Promise<string> {
  const dir = join(await tempDir(), 'content')
  await cp(paths.contentDir, dir, { recursive: true })
  return dir
}

describe('seeding local KV', () => {
  it('after an edit writes only the new blobs and the manifest, then the pointer', async () => {
    const contentDir = await contentCopy()
    const stateDir = await tempDir()
    const session = new BuildSession()
    const kv = recorder()
    const first = await build({ contentDir, outDir: '', publicDir: '', session })
    await seedLocal({ kv, build: first, stateDir })
    expect(kv.batches[0]!.length).toBe(first.blobs.size + 1)

    const post = join(contentDir, POST)
    await writeFile(post, `${await readFile(post, 'utf8')}\nAn edit the test made.\n`)
    const second = await build({ contentDir, outDir: '', publicDir: '', session })
    kv.batches.length = 0
    const { written } = await seedLocal({ kv, build: second, stateDir })
    const fresh = [...second.blobs.keys()].filter((h) => !first.blobs.has(h)).map(blobKey)
    expect(fresh.length).toBeGreaterThan(0)
    expect(fresh.length).toBeLessThan(second.blobs.size / 2)
    expect(kv.batches).toEqual([[...fresh, buildKey(second.manifest.buildId)], [CURRENT_KEY]])
    expect(written).toBe(fresh.length + 1)

    // Nothing new: only the pointer moves.
    kv.batches.length = 0
    await seedLocal({ kv, build: second, stateDir })
    expect(kv.batches).toEqual([[], [CURRENT_KEY]])
  })

  it("sends a first build's records while it goes on, then only what is left, the manifest and the pointer", async () => {
    const stateDir = await tempDir()
    const early = new Map(Array.from({ length: EARLY_MIN_RECORDS + 10 }, (_, i) => [`h${i}`, `record ${i}`]))
    // Seeded by an earlier start: not sent again.
    await writeFile(join(stateDir, 'kumo-seeded.json'), JSON.stringify([blobKey('h0'), blobKey('h1')]))
    const soon: string[][] = []
    const kv = { ...recorder(), putSoon: async (entries: KvEntry[]) => void soon.push(entries.map((e) => e.key)) }
    const sent = seedSoon(kv, early, stateDir)!
    const ahead = [...early.keys()].slice(2).map(blobKey)
    expect(soon).toEqual([ahead])
    expect(sent.keys).toEqual(ahead)

    // The build's search records came after onRecords: they go with the manifest, the pointer last.
    const blobs = new Map([...early, ['s1', 'search 1'], ['s2', 'search 2']])
    const { written } = await seedLocal({ kv, build: { manifest: { buildId: 'b1' } as Manifest, blobs, encoded: '{}' }, stateDir, early: sent })
    expect(kv.batches).toEqual([[blobKey('s1'), blobKey('s2'), buildKey('b1')], [CURRENT_KEY]])
    expect(written).toBe(ahead.length + 3)
    // All of them remembered: the next start's early seed has nothing to send.
    expect(seedSoon(kv, blobs, stateDir)).toBeUndefined()
    expect(soon).toHaveLength(1)
  })

  it('sends again what an early seed failed to put, and leaves a few records to the build', async () => {
    const stateDir = await tempDir()
    const blobs = new Map(Array.from({ length: EARLY_MIN_RECORDS }, (_, i) => [`h${i}`, `record ${i}`]))
    const failing = { ...recorder(), putSoon: () => Promise.reject(new Error('the runtime has stopped')) }
    const sent = seedSoon(failing, blobs, stateDir)!
    expect(sent.keys).toHaveLength(EARLY_MIN_RECORDS)
    const { written } = await seedLocal({ kv: failing, build: { manifest: { buildId: 'b1' } as Manifest, blobs, encoded: '{}' }, stateDir, early: sent })
    expect(failing.batches[0]).toEqual([...[...blobs.keys()].map(blobKey), buildKey('b1')])
    expect(written).toBe(EARLY_MIN_RECORDS + 1)

    // A save's few new records: not worth a file and a round trip of their own.
    const few = new Map(Array.from({ length: EARLY_MIN_RECORDS - 1 }, (_, i) => [`n${i}`, `new ${i}`]))
    let called = false
    expect(seedSoon({ putSoon: async () => void (called = true) }, few, await tempDir())).toBeUndefined()
    expect(called).toBe(false)
  })

  it("reads wrangler.toml as wrangler dev would run the worker: namespace id, vars, assets, dates", () => {
    const toml = [
      'name = "blog"',
      'compatibility_date = 2026-04-01',
      'compatibility_flags = ["nodejs_compat"]',
      '[vars]\nX = "1"\nN = 2',
      '[[kv_namespaces]]\nbinding = "OTHER"\nid = "aaa"',
      '[[kv_namespaces]]\nid = "bbb"\nbinding = "CONTENT"',
      '[assets]\ndirectory = "./public"\nhtml_handling = "none"\nrun_worker_first = true',
    ].join('\n\n')
    const config = workerConfig(toml)
    expect(config).toMatchObject({ name: 'blog', compatibilityDate: '2026-04-01', compatibilityFlags: ['nodejs_compat'], contentNamespace: 'bbb' })
    // [vars] reach the worker as strings, as wrangler passes them.
    expect(config.vars).toEqual({ X: '1', N: '2' })
    expect(config.assets).toEqual({ html_handling: 'none', not_found_handling: undefined, run_worker_first: true })
    // No id: wrangler files the namespace under the binding's name.
    expect(workerConfig('compatibility_date = "2026-05-01"\n[[kv_namespaces]]\nbinding = "CONTENT"\n').contentNamespace).toBe('CONTENT')
    expect(() => workerConfig('name = "x"\n[assets\n')).toThrow(/^wrangler\.toml:2:\d+: .*fix the file/)
    expect(() => workerConfig('name = "x"\n')).toThrow(/compatibility_date is missing/)
  })

  it('sends entries in batches under the size limit, none lost or reordered', () => {
    const entries = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(100) }))
    const out = batches(entries, 400)
    expect(out.length).toBeGreaterThan(1)
    expect(out.flat()).toEqual(entries)
    for (const b of out) expect(b.length).toBeGreaterThan(0)
  })
})

describe('resuming a start', () => {
  it('resumes only the build that was seeded last, from unchanged inputs', async () => {
    const contentDir = await contentCopy()
    const dirs = { contentDir, publicDir: await tempDir(), stateDir: await tempDir() }
    const built = await build({ contentDir, outDir: '', publicDir: '' })
    await seedLocal({ kv: recorder(), build: built, stateDir: dirs.stateDir })
    const { buildId } = built.manifest
    expect(await resumableBuild(dirs)).toBeUndefined()
    await rememberBuild(dirs, buildId)
    expect(await resumableBuild(dirs)).toBe(buildId)

    // A save moves the file's mtime, even with the same bytes.
    const before = await inputsPrint(dirs)
    const post = join(contentDir, POST)
    const later = new Date(Date.now() + 5000)
    await utimes(post, later, later)
    expect(await inputsPrint(dirs)).not.toBe(before)
    expect(await resumableBuild(dirs)).toBeUndefined()

    // Remembered again, but local KV since pointed at another build (npm run seed): not resumed.
    await rememberBuild(dirs, buildId)
    expect(await resumableBuild(dirs)).toBe(buildId)
    await writeFile(join(dirs.stateDir, 'kumo-current'), 'another-build')
    expect(await resumableBuild(dirs)).toBeUndefined()
  })

  it('hashes a changed file again, whatever its size', async () => {
    const file = join(await tempDir(), 'a.txt')
    await writeFile(file, 'one')
    const first = await fileSha256(file)
    expect(await fileSha256(file)).toBe(first)
    await writeFile(file, 'two')
    expect(await fileSha256(file)).not.toBe(first)
    expect(await fileSha256(join(file, '..'))).toBeUndefined()
  })

  it('keeps the hashes in the cache folder, where a new process takes back each one whose file is stamped as it was', async () => {
    const dir = await tempDir()
    const file = join(dir, 'a.txt')
    await writeFile(file, 'one')
    const hash = await fileSha256(file)
    await keepFileHashes(dir)
    const kept = JSON.parse(await readFile(join(dir, 'file-hashes.json'), 'utf8')) as { files: Array<[string, string, string]> }
    const entry = kept.files.find(([path]) => path === file)!
    expect(entry[2]).toBe(hash)
    // A new process, given a record whose hash for the file (as stamped now) is not the bytes' own: it takes the record's, unread.
    entry[2] = 'f'.repeat(64)
    await writeFile(join(dir, 'file-hashes.json'), JSON.stringify(kept))
    const inNewProcess = () => {
      const code = `const m = await import(${JSON.stringify(new URL('../../scripts/pipeline/file-hash.ts', import.meta.url).href)}); await m.restoreFileHashes(${JSON.stringify(dir)}); console.log(await m.fileSha256(${JSON.stringify(file)}))`
      return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' }).stdout.trim()
    }
    expect(inNewProcess()).toBe('f'.repeat(64))
    await writeFile(file, 'two')
    expect(inNewProcess()).toBe(createHash('sha256').update('two').digest('hex'))
  })
})

describe('npm start (workerd through Miniflare, offline)', () => {
  it('serves the first build, a save with only its new keys, and a warm restart at once', { timeout: 240_000 }, async () => {
    const contentDir = await contentCopy()
    const work = await tempDir()
    const dirs = { contentDir, outDir: join(work, 'dist'), publicDir: join(work, 'public'), cacheDir: join(work, 'cache'), stateDir: join(work, 'state') }
    const seeded: number[] = []
    const builds: string[] = []
    const started: StartTimes[] = []
    const onSeeded = (s: { buildId: string; written: number }) => void (seeded.push(s.written), builds.push(s.buildId))
    const logs: string[] = []
    const open = () => startPreview({ ...dirs, port: 0, quiet: true, log: (line) => void logs.push(line), onSeeded, onStarted: (t) => started.push(t) })
    const get = async (url: string) => {
      const res = await fetch(url)
      return { status: res.status, text: await res.text() }
    }

    await mkdir(join(contentDir, 'static'), { recursive: true })
    await writeFile(join(contentDir, 'static', 'google123.html'), 'google-site-verification: google123.html\n')
    // Enough posts that the first build's records go to local KV while it runs (seedSoon), through the runtime's spool files.
    for (let i = 0; i < 2 * EARLY_MIN_RECORDS; i++) await writeFile(join(contentDir, 'posts', `2023-05-01-filler-${i}.md`), `---\ntitle: Filler ${i}\n---\nPost ${i}.\n`)
    let preview = await open()
    try {
      expect((await get(`${preview.url}${PAGE}`)).status).toBe(200)
      expect((await get(`${preview.url}/2023/05/filler-7/`)).text).toContain('Post 7.')
      const first = logs.find((line) => line.includes('keys seeded'))!
      const [, all, ahead] = /(\d+) keys seeded \((\d+) during the build\)/.exec(first) ?? []
      expect(Number(ahead)).toBeGreaterThanOrEqual(EARLY_MIN_RECORDS)
      expect(Number(all)).toBeGreaterThan(Number(ahead))
      const css = /href="(\/_kumo\/style\.[^"]+\.css)"/.exec((await get(`${preview.url}${PAGE}`)).text)?.[1]
      // The first build writes public/ once workerd is up: its stylesheet must be served.
      expect((await get(`${preview.url}${css}`)).status).toBe(200)
      expect(started[0]!.built).toBeDefined()
      // wrangler.toml's [assets] as wrangler dev applies them: html_handling "none" serves a file at
      // exactly its path (no redirect to /google123), and an unknown path goes to the worker's 404.
      const verification = await fetch(`${preview.url}/google123.html`, { redirect: 'manual' })
      // (The preview's proxy adds its reload script to every HTML answer.)
      expect([verification.status, (await verification.text()).split('<script')[0]]).toEqual([200, 'google-site-verification: google123.html\n'])
      expect((await get(`${preview.url}/assets/img/avatar.svg`)).status).toBe(200)
      expect((await get(`${preview.url}/no-such-file.txt`)).status).toBe(404)

      const post = join(contentDir, POST)
      const marker = `marker-${Date.now()}`
      await writeFile(post, `${await readFile(post, 'utf8')}\n${marker}\n`)
      const deadline = Date.now() + 30_000
      while (!(await get(`${preview.url}${PAGE}`)).text.includes(marker)) {
        expect(Date.now()).toBeLessThan(deadline)
        await new Promise((r) => setTimeout(r, 100))
      }
      // The page shows the save once the pointer moves, which is inside the seeding: its count comes just after.
      while (seeded.length < 2) {
        expect(Date.now()).toBeLessThan(deadline)
        await new Promise((r) => setTimeout(r, 20))
      }
      // The post's body and the listings that show it, not the whole site. Summed: under load an
      // editor's save can come as two bursts of events, and the second build then writes nothing new.
      const saved = seeded.slice(1).reduce((a, b) => a + b, 0)
      expect(saved).toBeGreaterThan(0)
      expect(saved).toBeLessThan(seeded[0]! / 2)

      // A static file added while the preview runs is served: public/ changed, so workerd reloads its assets.
      await writeFile(join(contentDir, 'static', 'added.txt'), 'added while running\n')
      while ((await get(`${preview.url}/added.txt`)).text !== 'added while running\n') {
        expect(Date.now()).toBeLessThan(deadline)
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      await preview.stop()
    }
    // dist/ is written after seeding, off the save's path, and by the time the preview has stopped.
    const dist = JSON.parse(await readFile(join(dirs.outDir, 'manifest.json'), 'utf8')) as { buildId: string }
    expect(dist.buildId).toBe(builds.at(-1))

    // Nothing changed since: served before any build of this session.
    preview = await open()
    try {
      expect(started[1]!.built).toBeUndefined()
      const page = await get(`${preview.url}${PAGE}`)
      expect(page.status).toBe(200)
      expect(page.text).toContain('marker-')
    } finally {
      await preview.stop()
    }
  })
})
